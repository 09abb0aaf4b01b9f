FROM node:20 AS foo
RUN wget -q https://example.com/a
RUN wget -q https://example.com/c

FROM debian:12
RUN curl -fsSL https://example.com/b -o /b
RUN echo "wget is not used here"
