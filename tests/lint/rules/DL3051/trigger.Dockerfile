# expect-lines: 3,4,5
FROM debian:12
LABEL author=""
LABEL other=x version=''
LABEL author="" version=""
LABEL author="Jane Doe"
