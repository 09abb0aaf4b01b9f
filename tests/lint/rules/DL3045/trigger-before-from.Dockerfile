COPY a b
FROM alpine:3.19
