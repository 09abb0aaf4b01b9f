FROM python:3.12 AS base
ENTRYPOINT ["python"]
FROM base
ENTRYPOINT ["python3", "-u"]
CMD ["app.py"]
ONBUILD ENTRYPOINT ["other"]
