FROM opensuse/leap:15.5
RUN zypper install -y tomcat=9.0.39 && zypper clean
RUN zypper install -y tomcat\>=9.0 'nginx<1.25' "vim>9.0" 'curl <= 8.1' && zypper clean
RUN zypper install -y tomcat-9.0.39-1.rpm https://example.com/x-1.0.rpm && zypper clean
RUN zypper -n in -r oss nginx=1.21 && zypper clean
RUN zypper -n in -t pattern devel_basis && zypper clean
RUN zypper -n in git '>=' 2.40 && zypper clean
RUN zypper -n update && zypper -n remove vim
ONBUILD RUN zypper in -y git=2.40
