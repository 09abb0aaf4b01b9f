FROM opensuse/leap:15.5
RUN zypper install -y mariadb=10.4 && zypper clean
RUN zypper install -y mariadb=10.4 && zypper cc -a
RUN --mount=type=cache,target=/var/cache/zypp zypper install -y mariadb
RUN --mount=type=tmpfs,target=/var/cache/zypp zypper install -y mariadb
RUN zypper -n in curl=8.0 \
 && rm -rf /var/cache/zypp/*
RUN zypper -n remove vim
ONBUILD RUN zypper -n in vim=9.0 && zypper clean --all
