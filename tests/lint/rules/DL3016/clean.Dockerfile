FROM node:20
RUN npm install
RUN npm install --progress=false && npm ci --omit dev
RUN npm install express@4.1.1 sax@"0.1.1" @myorg/privatepackage@">=0.1.0 <0.2.0"
RUN npm install -g --loglevel verbose --registry https://example.com typescript@5.4.5
RUN npm install package-v1.2.3.tgz ./folder ../other /abs ~/home-pkg
RUN npm install git+ssh://git@github.com:npm/npm.git#v1.0.27 git://github.com/npm/npm.git#v1.0.27
RUN npm install https://example.com/pkg/archive/main
RUN npm run --crazy install && npm uninstall express
ONBUILD RUN npm i -g pm2@5.3.0
