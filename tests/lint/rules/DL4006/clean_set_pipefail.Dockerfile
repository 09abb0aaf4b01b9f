FROM debian:12
RUN set -euo pipefail && curl -fsSL https://example.com/a | tar -xz -C /opt
RUN set -o errexit -o pipefail; \
    wget -qO- https://example.com/b | tar -xz -C /opt; \
    echo "$(ls /opt | wc -l) entries"
