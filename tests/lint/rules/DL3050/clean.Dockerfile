FROM debian:12
LABEL author="Jane Doe"
LABEL "version"="1.0.0"
ONBUILD LABEL downstream="not checked"
