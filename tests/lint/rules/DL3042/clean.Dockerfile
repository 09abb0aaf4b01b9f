FROM python:3.12 AS base
RUN pip install --no-cache-dir MySQL_python==1.2.2
RUN pip3 install MySQL_python==1.2.2 --no-cache-dir
RUN PIP_NO_CACHE_DIR=1 pip install flask==3.0.0
RUN env PIP_NO_CACHE_DIR=true pip install flask==3.0.0
RUN export PIP_NO_CACHE_DIR=yes && pip install flask==3.0.0
RUN --mount=type=cache,target=/root/.cache/pip pip install foobar==1.0
RUN --mount=type=tmpfs,target=/root/.cache/pip python -m pip install foobar==1.0
RUN pipx install software && pipenv install library
RUN pip download flask==3.0.0 && pip uninstall -y flask
FROM python:3.12 AS nocache
ENV PIP_NO_CACHE_DIR=1
RUN pip install six==1.16.0
FROM nocache
RUN pip install six==1.16.0
ONBUILD RUN pip install six==1.16.0
