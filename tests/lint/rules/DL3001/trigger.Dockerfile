# expect-lines: 4,5,7,9
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends openssh-client=1:9.2p1-2
RUN service nginx start
RUN ps aux | grep nginx
RUN echo "no process tools here"
RUN if [ -f /run/app.pid ]; then kill "$(cat /run/app.pid)"; fi
# Behind sudo it is still the same command.
ONBUILD RUN sudo mount -t tmpfs none /mnt
