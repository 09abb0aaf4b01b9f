# expect-lines: 3,4,6
FROM debian:12
RUN apt-get install -y python3=3.11.2-1+b1
RUN apt-get update && apt-get -y install python3=3.11.2-1+b1 && rm -rf /var/lib/apt/lists/*
RUN apt-get install -y --no-install-recommends curl=7.88.1-10
ONBUILD RUN sudo apt-get -qqy install make=4.3-4.1
