FROM debian:12
COPY package.json /app
COPY package.json yarn.lock /app/
COPY a b "c/"
COPY ["one", "two", "/dest/"]
ADD a.tar b.tar /opt
