# expect-lines: 2,5
FROM debian:12 AS tools
RUN echo "never used by the final stage"

FROM alpine:3.19
LABEL author="Jane Doe"
