FROM node:20 AS build
FROM golang:1.22 AS build
FROM alpine:3.19 AS Build
# expect-lines: 2,3
