FROM golang:1.22 AS build
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
LABEL author="Jane Doe" \
      version="2.0.0"
