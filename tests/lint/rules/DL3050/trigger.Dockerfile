# expect-lines: 3,5
FROM debian:12
LABEL author="Jane Doe" build-host="ci-runner-7"
LABEL version="1.0.0"
LABEL "org.opencontainers.image.vendor"="ACME"
