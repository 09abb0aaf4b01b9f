FROM debian:12 AS base1
FROM base1 AS base2
FROM base2 AS base31
FROM base2 AS base32
FROM base31 AS end1
HEALTHCHECK NONE
FROM base32 AS end2
RUN echo no healthcheck here
# expect-lines: 4,7
