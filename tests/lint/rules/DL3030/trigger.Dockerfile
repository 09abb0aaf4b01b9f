# expect-lines: 3,4,5,8
FROM centos:7
RUN yum install httpd-2.4.6 && yum clean all
RUN yum -q groupinstall "Development Tools" && yum clean all
RUN yum makecache \
 && sudo yum localinstall /tmp/pkg-1.0.rpm \
 && yum clean all
ONBUILD RUN yum --enablerepo epel install jq-1.6 && yum clean all
