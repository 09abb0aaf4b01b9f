# expect-lines: 3,4,6
FROM node:20 AS foo
RUN wget https://example.com/big.iso
RUN curl -fsSL https://example.com/a > /a && wget -O /b https://example.com/b
RUN wget --progress=dot:giga https://example.com/c
ONBUILD RUN wget -c https://example.com/d
