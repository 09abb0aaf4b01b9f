# syntax=docker/dockerfile:1
ARG BASE=debian:12
LABEL org.opencontainers.image.title=app
ENV A=b
FROM ${BASE}
RUN echo hi
# expect-lines: 3,4
