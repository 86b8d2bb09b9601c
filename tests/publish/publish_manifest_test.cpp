#include "podsmith/publish/publish_manifest.h"

#include <catch2/catch.hpp>

#include "test_support.h"

using podsmith::content_hash_file;
using podsmith::load_manifest;
using podsmith::PublishManifest;
using podsmith::save_manifest;
using podsmith::sha256_file;
using podsmith::test::TempDir;

TEST_CASE("a missing publish manifest is an empty one") {
  TempDir dir;
  auto m = load_manifest((dir.path() / ".podsmith/publish/show.json").string());
  REQUIRE(m);
  CHECK(m->target.empty());
  CHECK(m->files.empty());
  CHECK(m->partial.empty());
}

TEST_CASE("the publish manifest reads back what was saved") {
  TempDir dir;
  const std::string path = (dir.path() / ".podsmith/publish/show.json").string();
  PublishManifest m;
  m.target = "sftp://example.org/var/www";
  m.files["media/ep 1.mp3"] = {1234, 1'700'000'000'123'456'789, std::string(64, 'a')};
  m.files["feeds/show.xml"] = {99, 5, std::string(64, 'b')};
  m.partial["media/ep2.mp3"] = std::string(64, 'c');
  REQUIRE_FALSE(save_manifest(path, m));
  auto back = load_manifest(path);
  REQUIRE(back);
  CHECK(back->target == m.target);
  REQUIRE(back->files.size() == 2);
  CHECK(back->files["media/ep 1.mp3"].size_bytes == 1234);
  CHECK(back->files["media/ep 1.mp3"].mtime_ns == 1'700'000'000'123'456'789);
  CHECK(back->files["feeds/show.xml"].hash == std::string(64, 'b'));
  CHECK(back->partial == m.partial);
}

TEST_CASE("a damaged publish manifest is an error that says how to recover") {
  TempDir dir;
  for (const std::string text : {"{not json", "{\"version\": 2}", "{\"version\": 1, \"target\": 3, \"files\": {}}"}) {
    const std::string path = dir.write("m.json", text);
    auto m = load_manifest(path);
    INFO(text);
    REQUIRE_FALSE(m);
    CHECK(m.error().file == path);
    CHECK_THAT(m.error().message, Catch::Contains("delete it"));
  }
}

TEST_CASE("sha256_file hashes a file's bytes") {
  TempDir dir;
  // FIPS 180-2's test vectors.
  auto abc = sha256_file(dir.write("abc", "abc"));
  REQUIRE(abc);
  CHECK(*abc == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto empty = sha256_file(dir.write("empty", ""));
  REQUIRE(empty);
  CHECK(*empty == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::string million(1'000'000, 'a');  // larger than one read block
  auto many = sha256_file(dir.write("million", million));
  REQUIRE(many);
  CHECK(*many == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  CHECK_FALSE(sha256_file((dir.path() / "missing").string()));
}

TEST_CASE("content_hash_file is XXH3-128, as xxhsum -H2 prints it") {
  TempDir dir;
  auto empty = content_hash_file(dir.write("empty", ""));
  REQUIRE(empty);
  CHECK(*empty == "xxh128:99aa06d3014798d86001c324468d497f");
  auto abc = content_hash_file(dir.write("abc", "abc"));
  REQUIRE(abc);
  CHECK(*abc == "xxh128:06b05ab6733a618578af5f94892f3950");
  auto million = content_hash_file(dir.write("million", std::string(1'000'000, 'a')));
  REQUIRE(million);
  CHECK(*million == "xxh128:a545df8e384a9579b1fd6fae5285c4eb");
  CHECK_FALSE(content_hash_file((dir.path() / "missing").string()));
}
