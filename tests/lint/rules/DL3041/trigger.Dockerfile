# expect-lines: 3,4,5,6,7,11,12
FROM fedora:40 AS build
RUN dnf install -y tomcat && dnf clean all
RUN microdnf install -y rpm-sign && microdnf clean all
RUN dnf module install -y tomcat && dnf clean all
RUN microdnf module install -y tomcat && microdnf clean all
RUN dnf -y install tomcat-9.0.1 python3-pip && dnf clean all
ENV version=2.51.0-2.fc42
FROM fedora:40
# ENV of the build stage is not inherited by a new stage
RUN dnf -y install git-core-${version}
ONBUILD RUN sudo dnf install -y nginx
