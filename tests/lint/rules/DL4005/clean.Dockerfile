FROM debian:12
RUN ln -sf /bin/true /sbin/initctl
RUN ln -s foo bar && true && printf '%s\n' /bin/sh
SHELL ["/bin/bash", "-c"]
RUN ln -s /usr/bin/python3 /usr/local/bin/python
