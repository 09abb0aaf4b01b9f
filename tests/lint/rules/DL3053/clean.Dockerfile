FROM debian:12
LABEL org.opencontainers.image.created="2021-03-10T10:26:33.564595127+01:00"
LABEL org.opencontainers.image.created="1985-04-12T23:20:50.52Z"
LABEL org.opencontainers.image.created="2024-02-29T00:00:00Z"
LABEL org.opencontainers.image.created="1996-12-19T16:39:57-08:00"
LABEL other="yesterday"
