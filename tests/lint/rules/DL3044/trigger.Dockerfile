FROM debian:12
ENV APP_HOME=/opt/app APP_BIN="${APP_HOME}/bin"
ENV BASE=/srv LOGS="$BASE/logs"
ENV PATH=/a:${PATH} PATH=/b:${PATH}
ENV DIR=/x OTHER="$DIR/$DIRECTORY"
# expect-lines: 2,3,4,5
