FROM debian:12
RUN apt-get install -y --no-install-recommends python3=3.11.2-1+b1
RUN apt-get --no-install-recommends -y install python3=3.11.2-1+b1
RUN apt-get -o APT::Install-Recommends=false -y install python3=3.11.2-1+b1
RUN apt-get update && apt-get -y dist-upgrade
RUN apt install -y python3
