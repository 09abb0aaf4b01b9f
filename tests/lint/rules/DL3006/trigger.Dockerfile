FROM golang:1.22 AS build
RUN go build ./...
FROM node AS web
RUN npm ci
FROM registry.example.com/team/app
FROM localhost/base
# expect-lines: 3,5,6
