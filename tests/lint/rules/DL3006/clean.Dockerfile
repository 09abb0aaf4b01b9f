ARG BASE=debian:12
FROM ${BASE} AS base
FROM golang:1.22-alpine AS build
FROM build AS test
FROM Build AS test2
FROM ruby@sha256:3c0e0b4c4f5d7d2f1c1b4a0b3f1c2b9e8a7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b
FROM registry.example.com:5000/team/app:1.2
FROM scratch
COPY --from=build /out /out
