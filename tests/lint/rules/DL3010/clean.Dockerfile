FROM debian:12 AS build
COPY packaged-app.tar /usr/src/app/
COPY package.json /usr/src/app/
# Copied but never extracted in this stage.
RUN ls -l /usr/src/app
# Creating an archive is not extracting one.
RUN tar -cf /tmp/out.tar --exclude=node_modules /usr/src/app

FROM debian:12
COPY --from=build /tmp/out.tar /opt/out.tar
RUN tar -xf /opt/out.tar -C /opt
# The archive of the first stage was never COPY'd in this one.
RUN tar -xf packaged-app.tar
ADD app.tar.gz /srv/
