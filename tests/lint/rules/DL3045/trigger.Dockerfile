FROM debian:12 AS stage1
WORKDIR /usr/src
COPY . .
FROM debian:12
COPY app.py app.py
COPY config "conf/"
ONBUILD WORKDIR /srv
# expect-lines: 5,6
