# expect-lines: 2
FROM debian:12
LABEL author="Jane Doe"
RUN echo "version label missing"
