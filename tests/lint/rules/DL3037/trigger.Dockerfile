# expect-lines: 3,4,5,6
FROM opensuse/leap:15.5
RUN zypper install -y tomcat && zypper clean
RUN zypper -n in curl=8.0 vim && zypper clean
RUN zypper --non-interactive --root /srv install -r oss nginx && zypper clean
ONBUILD RUN zypper in -y git
