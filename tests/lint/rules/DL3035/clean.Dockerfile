FROM opensuse/leap:15.5
RUN zypper -n update && zypper clean
RUN zypper -n install curl=8.0 && zypper clean
RUN echo "zypper dup"
