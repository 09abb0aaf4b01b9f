# expect-lines: 3,4
FROM busybox:1.36
WORKDIR app
WORKDIR "relative/path"
