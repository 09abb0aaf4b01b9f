FROM debian:12 AS base
USER root
RUN apt-get update
FROM base AS inherits
RUN echo "still root from base"
FROM alpine:3.19
USER app
RUN id
USER 0:0
# expect-lines: 2,9
