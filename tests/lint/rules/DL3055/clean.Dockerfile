FROM debian:12
LABEL org.opencontainers.image.revision="2dbfae9"
LABEL org.opencontainers.image.revision="43c572f1272b6b3171dd1db9e41b7027128ce080"
LABEL other="main"
