FROM golang:1.22 AS Build
RUN go build -o /out/app ./cmd/app
FROM alpine:3.19
COPY --from=build /out/app /usr/local/bin/app
COPY --from=0 /out/app /usr/local/bin/app2
COPY --from=nginx:1.25 /etc/nginx /etc/nginx
COPY --from=docker.io/library/busybox:1.36 /bin/busybox /bin/
