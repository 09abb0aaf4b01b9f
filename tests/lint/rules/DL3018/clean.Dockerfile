FROM alpine:3.19
RUN apk add --no-cache flex=2.6.4-r1
RUN apk add --no-cache git~2.43 curl~=8.5 jq=~1.7 "python3>3.11" "musl<2"
RUN apk add --no-cache --virtual .build-deps gcc=13.2.1_git20231014-r0 musl-dev=1.2.4_git20230717-r4
RUN apk add --no-cache -t .rundeps libstdc++=13.2.1_git20231014-r0
RUN apk add --no-cache --repository https://dl-cdn.alpinelinux.org/alpine/edge/testing hub=2.14.2-r20
RUN apk add --no-cache --repository=https://dl-cdn.alpinelinux.org/alpine/edge/testing hub=2.14.2-r20
RUN apk add --no-cache -X https://dl-cdn.alpinelinux.org/alpine/edge/testing hub=2.14.2-r20
RUN apk add --allow-untrusted /tmp/mypackage-1.1.1.apk
RUN apk del .build-deps && apk update
