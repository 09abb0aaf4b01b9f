FROM debian:12 AS build
RUN wget -qO - https://some.site && wc -l file > /number
SHELL ["/bin/bash", "-eo", "pipefail", "-c"]
RUN wget -qO - https://some.site | wc -l > /number
ONBUILD RUN cat /etc/os-release | grep ID

FROM alpine:3.19
SHELL ["/bin/ash", "-e", "-o", "errexit", "-o", "pipefail", "-c"]
RUN wget -qO - https://some.site | wc -l > /number

FROM debian:12
SHELL ["/usr/local/bin/zsh", "-o", "pipefail", "-c"]
RUN echo "a|b" | tr '|' ' '
RUN echo "a | b" > /plain

FROM mcr.microsoft.com/powershell:lts-ubuntu-22.04
SHELL ["pwsh", "-c"]
RUN Get-Variable PSVersionTable | Select-Object -ExpandProperty Value
