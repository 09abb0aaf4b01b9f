FROM ruby:3.3
RUN gem install bundler:2.5.6
RUN gem i bundler:1 nokogiri:1.16.2
RUN gem install bundler -v '2.0.1' && gem install rake --version 13.1.0
RUN gem install bundler --version='2.0.1'
RUN gem install --no-document nokogiri:1.16.2 -- --use-system-libraries
RUN gem install ./vendor/mygem-1.0.gem
RUN gem update --system && gem list
ONBUILD RUN gem install rake:13.1.0
