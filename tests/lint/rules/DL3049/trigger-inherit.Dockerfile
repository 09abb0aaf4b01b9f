# expect-lines: 2,4
FROM debian:12 AS base
# the parent has no labels, so the child inherits none
FROM base
RUN echo child
