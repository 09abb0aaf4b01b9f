# expect-lines: 3,4,5,6,7,8,9,10
FROM python:3.12
RUN pip install MySQL_python
RUN pip3 install --no-cache-dir requests==2.31.0 flask
RUN python3 -m pip install --user example
RUN pip3.11 install --root-user-action=ignore mypkg
RUN pip install git+https://github.com/rtfd/read-ext.git#egg=read-ext
RUN pipx install black
RUN apt-get update && sudo -H pip install --upgrade pip
ONBUILD RUN pip install "uvicorn[standard]"
