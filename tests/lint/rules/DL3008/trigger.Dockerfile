# expect-lines: 3,4,7,9
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*
RUN apt-get -y -o Dpkg::Options::=--force-confold install --no-install-recommends \
      curl=7.88.1-10 \
      git
RUN apt-get install -y -t bookworm-backports --no-install-recommends golang
RUN echo "apt-get install nothing"
ONBUILD RUN sudo apt-get install -qqy --no-install-recommends make
