FROM centos:7
RUN yum install -y mariadb-10.4 && yum clean all
RUN yum install -y mariadb-10.4 \
 && rm -rf /var/cache/yum/*
RUN --mount=type=cache,target=/var/cache/yum yum install -y httpd-2.4.6
RUN yum clean all && yum install -y httpd-2.4.6 && yum clean all
RUN sudo yum -y install jq-1.6; sudo yum clean all
RUN dnf install -y foo-1.0
ONBUILD RUN yum install -y jq-1.6 && yum clean all
