FROM nginx:1.25 AS base
HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
FROM base AS app
COPY site /usr/share/nginx/html
FROM app
RUN nginx -t
