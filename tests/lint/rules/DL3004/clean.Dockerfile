FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends sudo=1.9.9-1 && rm -rf /var/lib/apt/lists/*
RUN echo "app ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/app
USER app
RUN gosu root true
