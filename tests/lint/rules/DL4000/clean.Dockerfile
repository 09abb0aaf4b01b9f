FROM busybox:1.36
LABEL maintainer="Jane Doe <jane@example.com>"
