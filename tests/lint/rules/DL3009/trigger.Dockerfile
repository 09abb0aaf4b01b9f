# expect-lines: 3,5,12,14
FROM ubuntu:22.04 AS base
RUN apt-get update && apt-get install -y --no-install-recommends python3=3.10.6-1
# Only the apt cache is a mount: the lists stay in the image.
RUN --mount=type=cache,target=/var/cache/apt \
    apt-get update && apt-get install -y --no-install-recommends git=1:2.34.1-1

FROM base AS other
RUN echo "built on base"

FROM scratch
RUN apt update && apt install -y python3
# Triggers run in whatever image builds on this one.
ONBUILD RUN aptitude update && aptitude install -y make
