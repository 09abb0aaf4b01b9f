# expect-lines: 3,4,5,6,7
FROM opensuse/leap:15.5
RUN zypper install httpd=2.4.24 && zypper clean
RUN zypper --quiet in curl=8.0 && zypper clean
RUN zypper refresh && sudo zypper rm vim
RUN zypper patch
ONBUILD RUN zypper si kernel-default
