# expect-lines: 3,4,5,6,7,11,13
FROM fedora:40 AS build
RUN yum install -y tomcat && yum clean all
RUN yum install -y rpm-sign && yum clean all
RUN yum module install -y nodejs && yum clean all
RUN yum install -y httpd-2.4.6 python3-pip && yum clean all
RUN yum -y --enablerepo epel install $PKG-1.0 && yum clean all
ENV version=2.51.0-2.fc42
FROM fedora:40
# ENV of the build stage is not inherited by a new stage
RUN yum -y install git-core-${version}
# ONBUILD RUN triggers are checked too
ONBUILD RUN yum install -y nginx
