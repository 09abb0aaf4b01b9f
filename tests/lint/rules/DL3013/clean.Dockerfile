FROM python:3.12
RUN pip install MySQL_python==1.2.2 'alabaster>=0.7' 'six<2' 'idna!=3.0' 'attrs~=23.1' 'x===1.0'
RUN pip3 install -r requirements.txt
RUN pip install --requirement requirements.txt && pip install --requirement=dev.txt
RUN pip install .
RUN pip install -e . && pip install --editable ./lib
RUN pip install mypkg.whl dist/other.tar.gz ./vendor/pkg https://foo.bar/baz.zip
RUN pip install git+https://github.com/rtfd/r-ext.git@0.6-alpha#egg=r-ext
RUN pip install "mylib @ https://example.com/mylib-1.0.tar.gz"
RUN pip install pykafka --constraint constraints.txt && pip install pykafka -c c.txt
RUN pip3 install --index-url https://eg.com/foo --extra-index-url https://ex.io/foo --trusted-host ex.io foobar==1.0.0
RUN pip install --target /opt/lib --prefix /usr --root-user-action ignore yamllint==1.20.0
RUN python -m pip install example==1.2.2 && python3 -m pip download flask
RUN pipx install --python "$(which python)" "poetry==1.8.5"
RUN pipenv install black && pip uninstall -y flask
ONBUILD RUN pip install --no-cache-dir -r requirements.txt
