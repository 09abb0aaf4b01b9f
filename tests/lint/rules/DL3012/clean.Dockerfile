FROM nginx:1.25 AS web
HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
FROM alpine:3.19
HEALTHCHECK NONE
