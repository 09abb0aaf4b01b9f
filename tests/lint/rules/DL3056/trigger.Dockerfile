# expect-lines: 3,4,5,6,7,8,9
FROM debian:12
LABEL org.opencontainers.image.version="not-sem-ver"
LABEL org.opencontainers.image.version="1.2"
LABEL org.opencontainers.image.version="v1.2.3"
LABEL org.opencontainers.image.version="01.2.3"
LABEL org.opencontainers.image.version="1.0.0-rc..1"
LABEL org.opencontainers.image.version="1.0.0-01"
LABEL org.opencontainers.image.version="1.0.0+"
