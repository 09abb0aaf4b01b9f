# expect-lines: 3,4,5,6,7,8
FROM debian:12
LABEL org.opencontainers.image.licenses="not-spdx"
LABEL org.opencontainers.image.licenses="mit"
LABEL org.opencontainers.image.licenses="MIT OR Apache-2.0"
LABEL org.opencontainers.image.licenses="GPL-2.0+"
LABEL org.opencontainers.image.licenses="GPL-2.0"
LABEL org.opencontainers.image.licenses="LicenseRef-acme"
