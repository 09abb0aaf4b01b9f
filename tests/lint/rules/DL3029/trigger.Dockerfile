FROM --platform=linux/amd64 debian:12 AS build
FROM --platform=$BUILDPLATFORM golang:1.22 AS cross
FROM --platform=linux/arm64 alpine:3.19
# expect-lines: 1,3
