# expect-lines: 4,5,6,7,8,11,13
FROM python:3.12 AS base
ENV PIP_NO_CACHE_DIR=off
RUN pip install MySQL_python==1.2.2
RUN pip3 install -r requirements.txt
RUN PIP_NO_CACHE_DIR=0 pip install flask==3.0.0
RUN python3 -m pip install --user example==1.0
RUN --mount=type=cache,target=/var/lib/foo pip install six==1.16.0
FROM base
# the stage it is built FROM does not turn the cache off
RUN pip install six==1.16.0
# ONBUILD RUN triggers are checked too
ONBUILD RUN pip install six==1.16.0
