# expect-lines: 3,4,5
FROM python:3.12
RUN export PIP_NO_CACHE_DIR=0 && pip install flask==3.0.0
RUN pip install flask==3.0.0 && export PIP_NO_CACHE_DIR=1
RUN PIP_NO_CACHE_DIR=1 pip install six==1.16.0 && pip3 install attrs==23.1.0
