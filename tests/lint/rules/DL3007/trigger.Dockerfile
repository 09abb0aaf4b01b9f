FROM debian:latest AS build
FROM registry.example.com/tools/builder:latest
FROM alpine:3.19
# expect-lines: 1,2
