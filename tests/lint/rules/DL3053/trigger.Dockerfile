# expect-lines: 3,4,5,6,7,8
FROM debian:12
LABEL org.opencontainers.image.created="not-date"
LABEL org.opencontainers.image.created="2021-02-30T10:00:00Z"
LABEL org.opencontainers.image.created="2021-03-10 10:26:33Z"
LABEL org.opencontainers.image.created="2021-03-10T10:26:33"
LABEL org.opencontainers.image.created="2021-03-10"
LABEL org.opencontainers.image.created="2021-03-10T25:00:00+01:00"
