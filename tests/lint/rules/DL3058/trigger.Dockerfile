# expect-lines: 3,4,5,6,7,8,9
FROM debian:12
LABEL maintainer="not-email"
LABEL maintainer="jane@"
LABEL maintainer="jane@@example.com"
LABEL maintainer="Jane Doe <jane@example.com>"
LABEL maintainer="jane@example..com"
LABEL maintainer="jane@-example.com"
LABEL maintainer="jane.@example.com"
