FROM scratch
FROM debian:12 AS build-context
FROM alpine:3.19 AS scratchpad
