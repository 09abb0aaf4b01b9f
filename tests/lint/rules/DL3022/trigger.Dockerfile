FROM golang:1.22 AS build
COPY --from=later /x /x
COPY --from=1 /x /x
COPY --from=nginx /etc/nginx /etc/nginx
FROM alpine:3.19 AS later
# expect-lines: 2,3,4
