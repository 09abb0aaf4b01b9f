# expect-lines: 3,4,5,6
FROM ruby:3.3
RUN gem install bundler
RUN gem i bundler:1 nokogiri
RUN gem install --no-document -N rails && bundle install
ONBUILD RUN sudo gem install --install-dir /opt/gems rake
