# expect-lines: 3,4,5,6,7,8
FROM golang:1.22
RUN go install example.com/pkg
RUN go install example.com/pkg@latest
RUN go install -ldflags "-s -w" -tags netgo example.com/cmd/tool
RUN go get -tool foobar
RUN go run example.com/pkg@latest -flag
ONBUILD RUN go install golang.org/x/tools/gopls
