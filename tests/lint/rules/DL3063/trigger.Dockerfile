FROM debian:12 AS scratch
FROM alpine:3.19 AS Context
FROM alpine:3.19 AS final
# expect-lines: 1,2
