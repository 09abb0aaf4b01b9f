# expect-lines: 3,4,6,7
FROM ubuntu:22.04
RUN sudo apt-get update
RUN apt-get update && sudo apt-get install -y --no-install-recommends curl=7.81.0-1
RUN echo fine
RUN env DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y --no-install-recommends git=1:2.34.1-1
ONBUILD RUN sudo -u app make install
