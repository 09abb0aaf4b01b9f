FROM debian:12
ARG NODE_VERSION=18.19.0-1nodesource1
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      python3=3.11.2-1+b1 \
      nodejs="${NODE_VERSION}" \
 && rm -rf /var/lib/apt/lists/*
RUN apt-get install -y ./wkhtmltox_0.12.5-1.bionic_amd64.deb /tmp/extra.deb
RUN apt-get -y --no-install-recommends install nodejs=0.10
RUN apt-get install -y -t bookworm-backports --no-install-recommends golang=2:1.21~2
RUN apt-get install -y --no-install-recommends golang/bookworm-backports
RUN apt-get update && apt-get -y upgrade
RUN apt install -y python3
