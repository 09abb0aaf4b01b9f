# syntax=docker/dockerfile:1
# a comment
ARG BASE=debian:12
ARG VERSION
FROM ${BASE}
ARG VERSION
LABEL version=${VERSION}
RUN echo hi
