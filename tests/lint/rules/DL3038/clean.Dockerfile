FROM fedora:40
RUN dnf install -y httpd-2.4.24 && dnf clean all
RUN microdnf install -y httpd-2.4.24 && microdnf clean all
RUN dnf -qy module install nodejs:18 && dnf clean all
RUN sudo dnf --assumeyes install curl-8.0 && dnf clean all
RUN notdnf install httpd
RUN dnf makecache && dnf list installed
ONBUILD RUN dnf -y groupinstall "Development Tools"
