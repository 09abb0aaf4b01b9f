# expect-lines: 3,5,8,9,10
FROM node:20 AS deps
RUN yarn install --frozen-lockfile
FROM deps AS build
RUN yarn cache clean && yarn install
FROM build
# the cache mount is not where yarn keeps it
RUN --mount=type=cache,target=/var/lib/foobar yarn install
RUN cd /app && yarn install --production && yarn build
ONBUILD RUN yarn install
