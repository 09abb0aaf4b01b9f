FROM node:20
ENTRYPOINT node server.js
CMD npm start -- --port 8080
HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1
# expect-lines: 2,3,4
