# expect-lines: 3,4,8,9
FROM alpine:3.19
RUN apk add flex
RUN apk add --no-cache \
      flex=2.6.4-r1 \
      bison \
      make=4.4.1-r2
RUN apk --no-cache --virtual .build-deps add gcc
ONBUILD RUN apk add --no-cache -X https://dl-cdn.alpinelinux.org/alpine/edge/testing hub
