# expect-lines: 3,4,7,8
FROM alpine:3.19
RUN cd /usr/src/app && make
RUN git clone https://example.com/repo.git /src && (cd /src && make install)
RUN echo one \
 && echo two
RUN make -C "$(cd /src && pwd)"
ONBUILD RUN cd /app && npm ci
