FROM alpine:3.19
RUN apk add --no-cache flex=2.6.4-r1
RUN apk --no-cache add flex=2.6.4-r1
RUN --mount=type=cache,target=/var/cache/apk apk add -U curl=8.5.0-r0
RUN --mount=type=tmpfs,target=/var/cache/apk apk add -U curl=8.5.0-r0
RUN --mount=type=cache,target=/var/cache/foo apk add --no-cache -U curl=8.5.0-r0
RUN apk del flex && apk info
