# expect-lines: 3,4,5,6,7,8,9
FROM fedora:40
RUN dnf install -y mariadb-10.4
RUN microdnf install -y mariadb-10.4
RUN dnf install -y mariadb-10.4 && microdnf clean all
RUN rm -rf /var/cache/libdnf5 && dnf in -y mariadb-10.4
RUN dnf -y upgrade
RUN --mount=type=cache,target=/var/lib/foobar dnf -y reinstall bash
ONBUILD RUN dnf -y up-min
