# expect-lines: 3,4,5,7
FROM opensuse/leap:15.5
RUN zypper install -y mariadb=10.4
RUN zypper clean && zypper install -y mariadb=10.4
RUN --mount=type=cache,target=/var/lib/foo zypper -n in curl=8.0 \
 && rm -rf /tmp/*
ONBUILD RUN zypper --non-interactive install vim=9.0
