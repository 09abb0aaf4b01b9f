FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all
RUN yum -qy groupinstall "Development Tools" && yum clean all
RUN sudo yum --assumeyes localinstall /tmp/pkg-1.0.rpm && yum clean all
RUN yum check-update || true
RUN yum remove httpd
RUN echo "yum install httpd"
ONBUILD RUN yum install -y jq-1.6 && yum clean all
