ARG GIT_VERSION=2.51.0
FROM fedora:40 AS build
RUN yum install -y tomcat-9.2 && yum clean all
RUN yum install -y openssl-1:1.1.1k rpm-sign-4.16.1.3 gcc-c++-1.1.1
RUN yum module install -y tomcat:9 && yum clean all
RUN yum -y install git-core-$GIT_VERSION
RUN yum install -y /tmp/local.rpm https://example.com/pkgs/tool.rpm && yum clean all
RUN yum -y --enablerepo epel --setopt=tsflags=nodocs install jq-1.6
RUN yum group install -y "Development Tools" && yum groupinstall -y "Base"
RUN yum update -y && yum clean all
ENV version=2.51.0-2.fc42
FROM build
RUN yum -y install git-core-${version}
ONBUILD RUN yum install -y nginx-1.20.1
