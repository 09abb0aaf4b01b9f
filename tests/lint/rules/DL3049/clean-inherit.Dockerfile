FROM debian:12 AS base
LABEL author="Jane Doe" version="1.2.3"

FROM base
RUN echo "inherits both labels"
