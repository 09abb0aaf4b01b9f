FROM busybox:1.36
WORKDIR /app
WORKDIR "/srv/data"
ARG DIR=/opt
WORKDIR $DIR
WORKDIR ${DIR}/sub
