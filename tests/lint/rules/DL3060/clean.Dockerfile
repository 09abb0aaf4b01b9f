FROM node:20 AS builder
# a stage nothing is built FROM does not matter
RUN yarn install --frozen-lockfile
FROM node:20 AS deps
RUN yarn install bar && yarn cache clean
FROM deps
RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install --frozen-lockfile
RUN --mount=type=tmpfs,target=/root/.cache/yarn yarn install
RUN yarn build && yarn add left-pad && yarn --cwd /app cache clean
RUN yarn install && yarn test && yarn cache clean --all
ONBUILD RUN yarn install && yarn cache clean
