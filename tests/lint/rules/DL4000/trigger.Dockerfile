FROM busybox:1.36
MAINTAINER Jane Doe <jane@example.com>
