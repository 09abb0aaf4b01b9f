# expect-lines: 4,6,9
FROM node:20 AS foo
RUN wget -q https://example.com/a
RUN curl -fsSL https://example.com/b -o /b
RUN echo hello
RUN wget -q https://example.com/c

FROM debian:12
RUN wget -q https://example.com/a && curl -fsSL https://example.com/b -o /b
