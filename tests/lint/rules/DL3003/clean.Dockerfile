FROM alpine:3.19
WORKDIR /usr/src/app
RUN make
RUN make -C /src install
RUN echo "cd /tmp is only text here"
RUN abcd /tmp
