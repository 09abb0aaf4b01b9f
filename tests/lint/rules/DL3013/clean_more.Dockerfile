FROM python:3.12
RUN pip install MySQL_python==1.2.2 --user --disable-pip-version-check
RUN pip install foo/bar
RUN pip install --index-url https://user:pass@eg.com/foo foobar==1.0.0
RUN pip install --no-binary :all: --only-binary numpy numpy==1.26.4
RUN /usr/local/bin/pip3 install --prefer-binary "pydantic>=2,<3"
