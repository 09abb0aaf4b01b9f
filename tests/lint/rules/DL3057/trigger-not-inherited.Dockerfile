FROM nginx:1.25 AS base
HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
FROM alpine:3.19
# expect-lines: 3
