FROM debian:12
RUN apt-get update && apt-get install -y curl
RUN useradd app
WORKDIR /srv
RUN mkdir -p /srv/app; chown app /srv/app
RUN echo done
RUN --mount=type=secret,id=foo cat /run/secrets/foo
RUN --mount=type=secret,id=bar cat /run/secrets/bar
ONBUILD RUN echo child
RUN echo again
