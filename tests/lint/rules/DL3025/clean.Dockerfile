FROM node:20
ENTRYPOINT ["node", "server.js"]
CMD [ "--port", "8080" ]
HEALTHCHECK CMD ["curl", "-f", "http://localhost:8080/"]
HEALTHCHECK NONE
CMD [ "/bin/sh", "-c", \
      "echo foo && \
       echo bar" \
    ]
