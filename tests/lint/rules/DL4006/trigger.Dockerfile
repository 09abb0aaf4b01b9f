# expect-lines: 3,7,9,12,15
FROM debian:12 AS build
RUN wget -qO - https://some.site | wc -l > /number
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN wget -qO - https://some.site | wc -l > /number
SHELL ["/bin/sh", "-c"]
RUN curl -fsSL https://example.com/install.sh | sh
# A pipe inside a command substitution counts too.
RUN echo "$(ls /etc | head -n 1)"

FROM debian:12
RUN { echo a; echo b; } | sort > /sorted
SHELL ["/bin/sh", "-o", "pipefail", "-c"]
# Only bash, zsh and ash count as setting pipefail; triggers use the stage's last SHELL.
ONBUILD RUN cat /etc/os-release | grep ID
