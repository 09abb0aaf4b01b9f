ARG GIT_VERSION=2.51.0
FROM fedora:40 AS build
RUN dnf install -y tomcat-9.0.1 && dnf clean all
RUN microdnf install -y tomcat-9.0.1 rpm-sign-4.16.1.3 gcc-c++-1.1.1 openssl-1:1.1.1k
RUN dnf module install -y tomcat:9 && dnf clean all
RUN microdnf module install -y tomcat:9 && microdnf clean all
RUN dnf -y group install "Development Tools"
RUN dnf -y --setopt=group_package_types="mandatory" group install "Development Tools"
RUN dnf install -y @nodejs:18 /tmp/tool.rpm https://example.com/pkgs/x.rpm
RUN dnf -y install git-core-$GIT_VERSION
RUN notdnf install tomcat
ENV version=2.51.0-2.fc42
FROM build
RUN dnf -y install git-core-${version}
ONBUILD RUN dnf install -y nginx-1.20.1
