# expect-lines: 3,4,5
FROM debian:12
RUN useradd -u 123456 luser
RUN groupadd -g 2000000 app && useradd --uid 2000000 -g app -m app
RUN useradd -mu 1234567 other
