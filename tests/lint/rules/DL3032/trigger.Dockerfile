# expect-lines: 3,4,5,6,8
FROM centos:7
RUN yum install -y mariadb-10.4
RUN yum clean all && yum install -y httpd-2.4.6
RUN yum install -y a-1.0 && yum clean all && yum install -y b-2.0
RUN yum install -y a-1.0 && rm -rf /tmp/*
# the cache mount is elsewhere
ONBUILD RUN --mount=type=cache,target=/root/.cache yum install -y c-1.0
