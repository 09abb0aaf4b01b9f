FROM debian:12
LABEL org.opencontainers.image.version="1.0.0"
LABEL org.opencontainers.image.version="2.0.1-rc1"
LABEL org.opencontainers.image.version="1.0.0-alpha.1+build.5"
LABEL org.opencontainers.image.version="1.0.0+20130313144700"
LABEL org.opencontainers.image.version="1.0.0-x-y-z.--"
LABEL org.opencontainers.image.version="1.0.0+001"
LABEL other="latest"
