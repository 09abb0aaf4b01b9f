FROM debian:12
RUN apt-get install -yq --no-install-recommends python3=3.11.2-1+b1
RUN apt-get install -y --no-install-recommends python3=3.11.2-1+b1
RUN apt-get -y install --no-install-recommends python3=3.11.2-1+b1
RUN apt-get --yes install --no-install-recommends python3=3.11.2-1+b1
RUN apt-get --assume-yes install --no-install-recommends python3=3.11.2-1+b1
RUN apt-get install -qq --no-install-recommends python3=3.11.2-1+b1
RUN apt-get install -qqy --no-install-recommends python3=3.11.2-1+b1
RUN apt-get install -q -q --no-install-recommends python3=3.11.2-1+b1
RUN apt-get install -q=2 --no-install-recommends python3=3.11.2-1+b1
RUN apt-get install --quiet --quiet --no-install-recommends python3=3.11.2-1+b1
RUN apt-get -o APT::Get::Assume-Yes=true install --no-install-recommends python3=3.11.2-1+b1
RUN apt-get update && apt-get -y upgrade
