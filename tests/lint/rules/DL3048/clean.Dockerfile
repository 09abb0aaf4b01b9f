FROM busybox:1.36
LABEL org.valid-key.label3="foo"
LABEL validlabel="foo" org.opencontainers.image.title="My app"
LABEL "org.example.quoted"="value with spaces"
LABEL com.example.path/sub_key=1
LABEL maintainer "Legacy Form <team@example.com>"
# Hadolint does not look at the labels an ONBUILD sets for later images.
ONBUILD LABEL com.docker.downstream="x"
