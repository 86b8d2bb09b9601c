# podsmith on Debian 12, for CI systems that run their jobs in containers.
#
# Built from the Debian package (see the README's "Install"), with the build
# directory as the context, so the .deb is the only file sent:
#   cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
#   cmake --build build-rel && (cd build-rel && cpack -G DEB)
#   docker build -t podsmith:0.1.0 -f Dockerfile build-rel
# Used on a workspace:
#   docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/work" podsmith:0.1.0 podsmith build --lint
#
# No ENTRYPOINT: CI systems (GitLab's `image:`, GitHub's `container:`) run their own
# shell in the image, which an ENTRYPOINT of podsmith would swallow.
FROM debian:12-slim

COPY podsmith_*_amd64.deb /tmp/
# apt-get resolves the package's Depends (libcurl4, libssl3, libxml2, TagLib, ...);
# ca-certificates for https feeds and publish targets.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates /tmp/podsmith_*_amd64.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/podsmith_*_amd64.deb \
 && podsmith --version

WORKDIR /work
CMD ["podsmith", "--help"]
