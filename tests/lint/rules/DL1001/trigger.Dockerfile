# hadolint global ignore=DL3059
FROM debian:12
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y curl
# hadolint ignore=DL3003,DL3059
RUN cd /tmp && make
# expect-lines: 3,5
