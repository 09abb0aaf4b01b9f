# expect-lines: 3,4
FROM golang:1.22
RUN go run example.com/pkg
RUN go mod download && go get example.com/pkg@none
