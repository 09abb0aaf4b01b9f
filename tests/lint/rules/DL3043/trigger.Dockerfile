FROM debian:12
ONBUILD ONBUILD RUN echo nested
ONBUILD FROM alpine:3.19
ONBUILD maintainer someone@example.com
ONBUILD RUN echo fine
# expect-lines: 2,3,4
