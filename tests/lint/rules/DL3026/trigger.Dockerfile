FROM quay.io/prometheus/busybox:1.36 AS tools
FROM gcr.io/distroless/static:nonroot AS base
FROM eu.gcr.io/project/builder:1.0 AS build
COPY --from=ghcr.io/owner/helper:2.1 /bin/helper /bin/helper
RUN --mount=type=cache,from=untrusted.example.org/cache:1,target=/root/.cache make
FROM debian:12
COPY --from=tools /bin/busybox /bin/busybox
# expect-lines: 1,2,4,5
