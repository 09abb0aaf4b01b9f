FROM node:20 AS foo
RUN wget --progress=dot:giga https://example.com/a
RUN wget -q https://example.com/b
RUN wget -qO- https://example.com/c | tar -xz
RUN wget --quiet https://example.com/d
RUN wget -nv https://example.com/e
RUN wget --no-verbose https://example.com/f
RUN wget -o /tmp/wget.log https://example.com/g
RUN wget --output-file=/tmp/wget.log https://example.com/h
RUN wget -a /tmp/wget.log https://example.com/i
RUN wget --append-output=/tmp/wget.log https://example.com/j
