# expect-lines: 4,6
FROM debian:12
# The pipe runs before pipefail is set.
RUN curl -fsSL https://example.com/a | tar -xz && set -o pipefail
# Switched off again.
RUN set -o pipefail; set +o pipefail; curl -fsSL https://example.com/b | tar -xz
