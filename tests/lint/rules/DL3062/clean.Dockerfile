FROM golang:1.22
RUN go install example.com/pkg@v1.2.3
RUN go install -ldflags "-s -w" -tags netgo example.com/cmd/tool@v0.4.0
RUN go install . && go install ./... && go install /go/app/foobar
RUN go get example.com/pkg@v1.2.3 && go get -tool foobar@v1.2.3 && go get
RUN go run example.com/pkg@v1.2.3 --foo bar && go run ./cmd/server -port 8080 && go run main.go
RUN go build -o /bin/app ./cmd/app && go mod download
ONBUILD RUN go install golang.org/x/tools/gopls@v0.15.3
