FROM python:3.12
ENTRYPOINT ["python"]
ENTRYPOINT ["python3", "-u"]
FROM python:3.12 AS second
ENTRYPOINT python
# expect-lines: 3
