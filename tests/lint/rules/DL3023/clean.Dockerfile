FROM node:20 AS web
RUN npm ci && npm run build
FROM nginx:1.25
COPY --from=web /app/dist /usr/share/nginx/html
FROM alpine:3.19 AS final
COPY --from=web /app/dist /srv
