FROM nginx:1.25
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
HEALTHCHECK --interval=5m CMD ["curl", "-f", "http://localhost/"]
HEALTHCHECK NONE
# expect-lines: 3,4
