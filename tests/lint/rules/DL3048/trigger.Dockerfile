# expect-lines: 3,4,5,6,7,8,9,10,11
FROM busybox:1.36
LABEL com.docker.label="foo"
LABEL org.example.ok="1" io.docker.thing="x"
LABEL org.dockerproject.component=web
LABEL Org.Example.Upper="foo"
LABEL invalid@character="foo"
LABEL .invalid="foo" -invalid="bar"
LABEL 1invalid="foo"
LABEL invalid..dots="foo" invalid--dashes="bar"
LABEL "org.example.trailing-"="quoted keys count too"
