FROM fedora:40
RUN dnf install -y mariadb-10.4 && dnf clean all
RUN dnf in -y mariadb-10.4 && dnf clean all
RUN microdnf install -y mariadb-10.4 && microdnf clean all
RUN dnf install -y mariadb-10.4 && rm -rf /var/cache/yum/*
RUN dnf install -y mariadb-10.4 \
 && rm -rf /var/cache/libdnf5*
RUN --mount=type=cache,target=/var/cache/libdnf5 dnf install -y mariadb-10.4
RUN --mount=type=tmpfs,target=/var/cache/libdnf5 microdnf install -y mariadb-10.4
RUN dnf -y upgrade && sudo dnf clean all
RUN notdnf install mariadb
RUN dnf -y remove vim
ONBUILD RUN dnf -y install jq-1.6 && dnf clean all
