# expect-lines: 3,4,5,6,7
FROM fedora:40
RUN dnf install httpd-2.4.24 && dnf clean all
RUN microdnf --nodocs install httpd-2.4.24 && microdnf clean all
RUN dnf makecache && sudo dnf --setopt install_weak_deps=False install curl-8.0
RUN dnf -q module install nodejs:18 && dnf clean all
ONBUILD RUN dnf groupinstall "Development Tools"
