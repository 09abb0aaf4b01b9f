FROM opensuse/leap:15.5
RUN zypper install -n httpd=2.4.24 && zypper clean
RUN zypper --non-interactive install httpd=2.4.24 && zypper clean
RUN zypper install -y httpd=2.4.24 && zypper clean
RUN zypper -qn in curl=8.0 && zypper clean
RUN zypper install --no-confirm httpd=2.4.24 && zypper clean
RUN zypper refresh && zypper search nginx
ONBUILD RUN zypper -n patch
