FROM debian:12
ADD rootfs.tar.xz /
ADD "bundle.tgz" /opt/
ADD https://example.com/installer.sh /tmp/
ADD http://example.com/a.bin data.tar.bz2 /opt/
COPY app.py /srv/
