FROM debian:12 AS build
USER root
RUN make
USER builder
FROM alpine:3.19
USER root
RUN apk add --no-cache curl
USER 1000:1000
FROM scratch
COPY --from=build /app /app
