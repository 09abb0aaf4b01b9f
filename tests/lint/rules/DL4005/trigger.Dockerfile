# expect-lines: 3,5
FROM debian:12
RUN ln -sfv /bin/bash /bin/sh
RUN echo ok
RUN rm /bin/sh && ln -s /bin/bash /bin/sh
