FROM debian:12
LABEL author="Jane Doe" version="1.0.0"
LABEL unrelated=""
