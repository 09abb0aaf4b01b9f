# expect-lines: 3,4,5,7,8
FROM debian:12
RUN apt-get install --no-install-recommends python3=3.11.2-1+b1
RUN apt-get install -q --no-install-recommends python3=3.11.2-1+b1
RUN apt-get update && apt-get install --quiet --no-install-recommends python3=3.11.2-1+b1
RUN apt-get -y update
RUN apt-get update && apt-get upgrade -y && sudo apt-get install curl=7.88.1-10
ONBUILD RUN apt-get -o APT::Get::Assume-Yes=false install make=4.3-4.1
