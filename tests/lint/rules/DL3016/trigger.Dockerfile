# expect-lines: 3,4,5,6,7,8,9
FROM node:20
RUN npm install express
RUN npm install @myorg/privatepackage
RUN npm install express sax@0.1.1
RUN npm install --global --registry https://example.com typescript
RUN sudo npm i -g git+https://github.com/npm/npm.git
RUN npm install --loglevel=verbose lodash
ONBUILD RUN npm install -g pm2
