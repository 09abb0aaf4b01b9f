FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3=3.10.6-1
RUN apt-cache policy python3
RUN echo "apt install is for people, apt-get for scripts"
