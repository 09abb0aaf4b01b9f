FROM debian:12
RUN apt-get update && apt-get install -y curl
RUN useradd app
# a comment does not separate them
RUN sudo mkdir -p /srv/app
RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt
RUN --mount=type=cache,target=/root/.cache pip install gunicorn
# expect-lines: 5,7
