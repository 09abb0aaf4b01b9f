FROM debian:12
ADD app.py /srv/
ADD "config.zip" /etc/app/
ADD https://example.com/tool.tar.gz vendor/ /opt/
# expect-lines: 2,3,4
