# expect-lines: 3,4,5,6,7
FROM debian:12
LABEL org.opencontainers.image.url="not-url"
LABEL org.opencontainers.image.source="http://exa mple.com/"
LABEL org.opencontainers.image.url=""
LABEL org.opencontainers.image.url="https://[::1x]/"
LABEL org.opencontainers.image.url="https://example.com:80a/%zz"
