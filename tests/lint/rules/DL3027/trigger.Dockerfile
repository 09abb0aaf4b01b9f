# expect-lines: 3,4,6
FROM ubuntu:22.04
RUN apt install -y python3
RUN apt-get update && apt upgrade -y
RUN apt-get install -y --no-install-recommends curl=7.81.0-1
ONBUILD RUN sudo apt install -y make
