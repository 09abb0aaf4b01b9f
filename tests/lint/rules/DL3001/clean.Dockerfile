FROM debian:12
# Installing the packages is fine; running them in a build is what the rule is about.
RUN apt-get update && apt-get install -y --no-install-recommends openssh-client=1:9.2p1-2 vim=2:9.0.1378-2 procps=2:4.0.2-3
RUN echo "ssh top vim kill" > /etc/motd
RUN systemctl enable nginx || true
CMD ["top"]
