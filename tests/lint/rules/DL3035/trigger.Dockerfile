# expect-lines: 3,4,5
FROM opensuse/leap:15.5
RUN zypper --non-interactive dist-upgrade
RUN zypper refresh && sudo zypper -n dup
ONBUILD RUN zypper dup -y
