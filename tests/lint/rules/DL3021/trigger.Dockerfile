FROM debian:12
COPY package.json yarn.lock /app
COPY a b "c"
COPY ["one", "two", "/dest"]
# expect-lines: 2,3,4
