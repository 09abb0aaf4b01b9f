FROM debian:12 AS base1
WORKDIR /usr/src
FROM base1 AS base2
RUN make
FROM base2
COPY foo bar
FROM alpine:3.19
COPY bla.sh /usr/local/bin/blubb.sh
COPY bla.sh "/usr/local/bin/other.sh"
COPY src.sh ${SRC_BASE_ENV}
COPY src.sh "$SRC_BASE_ENV"
COPY bla.sh c:/system32/blubb.sh
ADD app.tar.gz opt/
FROM alpine:3.19
WORKDIR /app
COPY . .
