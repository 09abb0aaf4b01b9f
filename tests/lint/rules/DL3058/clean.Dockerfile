FROM debian:12
LABEL maintainer="abcd@google.com"
LABEL maintainer="first.last+tag@sub.example.co.uk"
LABEL maintainer='"odd name"@example.com'
LABEL maintainer="ops@[192.168.0.1]"
LABEL maintainer="root@localhost"
LABEL other="not an email"
