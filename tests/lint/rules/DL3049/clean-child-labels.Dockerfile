FROM debian:12 AS base
RUN echo base

FROM base
LABEL author=jane version=1.0.0
