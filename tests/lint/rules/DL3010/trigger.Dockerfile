# expect-lines: 3,4,7
FROM debian:12
COPY packaged-app.tar /usr/src/app/
COPY vendor/deps.tar.gz /tmp/
WORKDIR /usr/src/app
RUN echo prepare && tar -xf /usr/src/app/packaged-app.tar && gunzip /tmp/deps.tar.gz
COPY build/bundle.tgz /opt/release.tgz
RUN tar xzf /opt/release.tgz -C /opt
