FROM debian:12
ONBUILD RUN echo building child
ONBUILD COPY . /app
ONBUILD WORKDIR /app
MAINTAINER someone@example.com
