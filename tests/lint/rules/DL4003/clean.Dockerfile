FROM node:20 AS build
CMD ["npm", "test"]
FROM node:20
ENTRYPOINT ["node"]
CMD ["server.js"]
ONBUILD CMD ["other.js"]
