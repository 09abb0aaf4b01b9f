# expect-lines: 3,4,6,8
FROM alpine:3.19
RUN apk add flex=2.6.4-r1
RUN apk update && apk add -U curl=8.5.0-r0 && rm -rf /var/cache/apk/*
RUN apk add --no-cache jq=1.7.1-r0
RUN --mount=type=cache,target=/var/cache/foo apk add -U curl=8.5.0-r0
# Behind sudo too.
ONBUILD RUN sudo apk --update add make=4.4.1-r2
