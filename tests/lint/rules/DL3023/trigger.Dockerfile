FROM node:20 AS web
RUN npm ci
COPY --from=web /app/dist /srv
FROM alpine:3.19 AS final
COPY --from=final /etc/os-release /tmp/
# expect-lines: 3,5
