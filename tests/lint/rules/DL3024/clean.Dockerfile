FROM node:20 AS web
FROM golang:1.22 AS api
FROM alpine:3.19
FROM alpine:3.19
