FROM ubuntu:22.04 AS builder
# An intermediate stage that no FROM builds on: its lists are thrown away.
RUN apt-get update && apt-get install -y --no-install-recommends build-essential=12.9ubuntu3

FROM ubuntu:22.04 AS base
RUN apt-get update && apt-get install -y --no-install-recommends python3=3.10.6-1 && rm -rf /var/lib/apt/lists/*

FROM base
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.81.0-1 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*
RUN --mount=type=cache,target=/var/lib/apt/lists \
    apt-get update && apt-get install -y --no-install-recommends git=1:2.34.1-1
RUN rm -f /etc/apt/apt.conf.d/docker-clean
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends make=4.3-4.1build1
RUN --mount=type=tmpfs,target=/var/cache/apt \
    --mount=type=tmpfs,target=/var/lib/apt \
    apt-get update
ONBUILD RUN apt-get update && apt-get install -y --no-install-recommends jq=1.6-2.1 && rm -rf /var/lib/apt/lists/*
RUN apt-get install -y --no-install-recommends ./local.deb
