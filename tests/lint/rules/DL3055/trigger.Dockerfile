# expect-lines: 3,4,5,6
FROM debian:12
LABEL org.opencontainers.image.revision="not-git-hash"
LABEL org.opencontainers.image.revision="2DBFAE9"
LABEL org.opencontainers.image.revision="2dbfae97"
LABEL org.opencontainers.image.revision=""
