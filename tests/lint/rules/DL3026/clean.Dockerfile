FROM debian:12 AS base
FROM docker.io/library/golang:1.22 AS build
FROM eu.gcr.io/project/builder:1.0 AS build2
FROM registry.example.com/team/runtime:3 AS runtime
COPY --from=build /go/bin/app /app
COPY --from=0 /etc/os-release /tmp/
COPY --from=registry.example.com/team/assets:1 /assets /assets
RUN --mount=type=bind,from=build,source=/go/bin,target=/mnt make
RUN --mount=type=cache,target=/root/.cache make
FROM base
FROM scratch
