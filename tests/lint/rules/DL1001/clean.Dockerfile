# hadolint global ignore=DL3008
# hadolint shell=powershell
FROM debian:12
# a plain comment about hadolint
RUN apt-get update && apt-get install -y curl
