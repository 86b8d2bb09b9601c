// The parts of remote.h that need no server; tests/publish_test.cpp runs each
// protocol against a real one.
#include "podsmith/remote.h"

#include <catch2/catch.hpp>

#include "remote_backends.h"

TEST_CASE("a temporary upload name is hidden and in the file's own directory") {
  using podsmith::Remote;
  CHECK(Remote::temporary_path("media/ep1.mp3") == "media/.ep1.mp3.podsmith-part");
  CHECK(Remote::temporary_path("feeds/show.xml") == "feeds/.show.xml.podsmith-part");
  CHECK(Remote::temporary_path("top.xml") == ".top.xml.podsmith-part");
  CHECK(Remote::temporary_path("a/b/c d.json") == "a/b/.c d.json.podsmith-part");
}

TEST_CASE("parent_directories lists every parent, shallowest first") {
  using V = std::vector<std::string>;
  CHECK(podsmith::parent_directories("/a/b/c.mp3") == V{"/a", "/a/b"});
  CHECK(podsmith::parent_directories("/c.mp3").empty());
}

TEST_CASE("open_remote refuses S3 without credentials and SFTP without a key") {
  podsmith::PublishSettings s;
  s.target = "s3://bucket/show";
  auto s3 = podsmith::open_remote(s, {}, ".");
  REQUIRE_FALSE(s3);
  CHECK_THAT(s3.error().message, Catch::Contains("AWS_ACCESS_KEY_ID"));

  s.target = "sftp://example.org/var/www";
  podsmith::RemoteAccess access;
  access.ssh_key = "/nonexistent/id_ed25519";
  auto sftp = podsmith::open_remote(s, access, ".");
  REQUIRE_FALSE(sftp);
  CHECK_THAT(sftp.error().message, Catch::Contains("PODSMITH_SSH_KEY"));
  CHECK_THAT(sftp.error().message, Catch::Contains("/nonexistent/id_ed25519"));
}
