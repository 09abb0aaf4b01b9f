FROM debian:12
LABEL org.opencontainers.image.url="https://example.com/app?x=1&y=2#top"
LABEL org.opencontainers.image.source="git+ssh://git@github.com/acme/app.git"
LABEL org.opencontainers.image.url="http://[2001:db8::1]:8080/path%20with%20space"
LABEL org.opencontainers.image.url="mailto:team@example.com"
LABEL org.opencontainers.image.url=urn:isbn:0451450523
LABEL other="not a url"
