// The parts of remote.h that need no server; tests/publish/publish_test.cpp runs each
// protocol against a real one.
#include "podsmith/publish/remote.h"

#include <catch2/catch.hpp>

#include "publish/remote_backends.h"

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

TEST_CASE("a WebDAV multistatus answer gives each file's size and ETag, whatever the prefix") {
  // As Apache's mod_dav answers (lp1: for live properties, full URLs in href) ...
  const std::string apache = R"(<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:" xmlns:ns0="DAV:">
<D:response xmlns:lp1="DAV:"><D:href>/show/media/</D:href><D:propstat><D:prop>
<lp1:resourcetype><D:collection/></lp1:resourcetype></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
<D:response xmlns:lp1="DAV:"><D:href>https://example.org/show/media/ep%201.mp3</D:href><D:propstat><D:prop>
<lp1:resourcetype/><lp1:getcontentlength>1234</lp1:getcontentlength><lp1:getetag>"4d2-5f"</lp1:getetag>
</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
</D:multistatus>)";
  auto files = podsmith::parse_multistatus(apache);
  REQUIRE(files);
  REQUIRE(files->size() == 1);
  const podsmith::RemoteFile& f = files->at("/show/media/ep 1.mp3");
  CHECK(f.exists);
  CHECK(f.size_bytes == 1234);
  CHECK(f.etag == "\"4d2-5f\"");

  // ... and as nginx's dav_ext does (lowercase d:, paths in href).
  const std::string nginx = R"(<?xml version="1.0" encoding="utf-8" ?>
<d:multistatus xmlns:d="DAV:"><d:response><d:href>/dav/feeds/show.xml</d:href><d:propstat><d:prop>
<d:getcontentlength>99</d:getcontentlength><d:resourcetype></d:resourcetype></d:prop>
<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>)";
  auto more = podsmith::parse_multistatus(nginx);
  REQUIRE(more);
  CHECK(more->at("/dav/feeds/show.xml").size_bytes == 99);

  CHECK_FALSE(podsmith::parse_multistatus("<not xml"));
  CHECK(podsmith::decoded_path("http://127.0.0.1:8080/dav/a%20b.mp3?x=1") == "/dav/a b.mp3");
  CHECK(podsmith::decoded_path("/dav/%C3%BC.mp3") == "/dav/\xC3\xBC.mp3");
}
