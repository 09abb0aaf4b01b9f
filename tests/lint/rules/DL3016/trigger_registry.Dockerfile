# expect-lines: 3,4
FROM node:20
RUN npm install --registry=https://example.com express
RUN npm install --save-dev --workspace api jest
