FROM debian:12
RUN useradd luser
RUN useradd -u 12345 short
RUN useradd -l -u 123456 withl
RUN useradd --no-log-init --uid=2000000 withlong
RUN useradd -lmu 1234567 cluster
ARG APP_UID=1000
RUN useradd -u "${APP_UID}" fromvar
