// The parts of S3 multipart uploads that need no server (src/publish/s3_multipart.h) and
// their record in .podsmith/s3-multipart.json (publish_manifest.h);
// tests/publish/publish_test.cpp sends real ones through s3rver behind a SigV4 check.
#include "publish/s3_multipart.h"

#include <catch2/catch.hpp>

#include "podsmith/publish/publish_manifest.h"
#include "podsmith/workspace/workspace.h"
#include "test_support.h"

namespace s3 = podsmith::s3;

namespace {
constexpr int64_t kMiB = int64_t{1} << 20;
constexpr int64_t kGiB = int64_t{1} << 30;
}  // namespace

TEST_CASE("multipart parts are the size asked for, within S3's limits, and at most 10,000") {
  struct Case {
    int64_t file_size;
    int64_t wanted;
    int64_t part_size;
  };
  const Case cases[] = {
      {100 * kMiB, 16 * kMiB, 16 * kMiB},   // as asked
      {100 * kMiB, 1 * kMiB, 5 * kMiB},     // S3's minimum
      {100 * kMiB, 8 * kGiB, 5 * kGiB},     // S3's maximum
      {10'000 * 16 * kMiB, 16 * kMiB, 16 * kMiB},  // exactly 10,000 parts
      {10'000 * 16 * kMiB + 1, 16 * kMiB, 17 * kMiB},  // one byte more: the next whole MiB
      {200 * kGiB, 16 * kMiB, 21 * kMiB},   // 200 GiB / 10,000 = 20.48 MiB
      {5 * 1024 * kGiB, 5 * kMiB, 525 * kMiB},  // S3's largest object, 5 TiB
  };
  for (const Case& c : cases) {
    INFO(c.file_size << " bytes, " << c.wanted << " asked");
    const int64_t size = s3::part_size_for(c.file_size, c.wanted);
    CHECK(size == c.part_size);
    CHECK((c.file_size + size - 1) / size <= s3::kMaxParts);
  }
}

TEST_CASE("a file is cut into numbered parts of the part size, the last one holding the rest") {
  const auto parts = s3::part_layout(16 * kMiB + 3, 5 * kMiB);
  REQUIRE(parts.size() == 4);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(parts[i].number == static_cast<int>(i) + 1);
    CHECK(parts[i].offset == static_cast<int64_t>(i) * 5 * kMiB);
    CHECK(parts[i].size_bytes == 5 * kMiB);
  }
  CHECK(parts[3].number == 4);
  CHECK(parts[3].offset == 15 * kMiB);
  CHECK(parts[3].size_bytes == kMiB + 3);

  const auto exact = s3::part_layout(10 * kMiB, 5 * kMiB);  // no empty part at the end
  REQUIRE(exact.size() == 2);
  CHECK(exact[1].size_bytes == 5 * kMiB);
  const auto small = s3::part_layout(100, 5 * kMiB);
  REQUIRE(small.size() == 1);
  CHECK(small[0].size_bytes == 100);
  CHECK(s3::part_layout(0, 5 * kMiB).empty());
}

TEST_CASE("the ETag of a multipart object is the MD5 of its parts' MD5s and their count") {
  // MD5("abc"), MD5("def"); the result computed independently with Python's hashlib.
  CHECK(s3::multipart_etag({"900150983cd24fb0d6963f7d28e17f72", "4ed9407630eb1000c0f6b63842defa7d"}) ==
        "4c8e93283780e078db9e0c6b9b3f8043-2");
  CHECK(s3::multipart_etag({"900150983cd24fb0d6963f7d28e17f72"}) == "af5da9f45af7a300e3aded972f8ff687-1");
  CHECK(s3::multipart_etag({"900150983CD24FB0D6963F7D28E17F72"}) == "af5da9f45af7a300e3aded972f8ff687-1");
  CHECK(s3::multipart_etag({"not an md5"}).empty());
}

TEST_CASE("query strings are sent in SigV4's canonical form, which libcurl 7.88 signs as sent") {
  CHECK(s3::canonical_query({{"uploads", ""}}) == "uploads=");
  // Sorted by name: capital letters before small ones, as S3 sorts bytes.
  CHECK(s3::canonical_query({{"uploadId", "abc"}, {"partNumber", "12"}}) == "partNumber=12&uploadId=abc");
  CHECK(s3::canonical_query({{"b", "1"}, {"B", "2"}, {"a", "3"}}) == "B=2&a=3&b=1");
  // Everything but A-Z a-z 0-9 - . _ ~ percent-encoded with uppercase hex, "/" too.
  CHECK(s3::canonical_query({{"uploadId", "a/b c+\xc3\xa9~=&"}}) == "uploadId=a%2Fb%20c%2B%C3%A9~%3D%26");
  CHECK(s3::canonical_query({}).empty());
}

TEST_CASE("CompleteMultipartUpload lists each part's number and ETag") {
  CHECK(s3::complete_multipart_xml({{1, "\"aa\""}, {2, "\"bb\""}}) ==
        "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<Part><PartNumber>1</PartNumber><ETag>&quot;aa&quot;</ETag></Part>"
        "<Part><PartNumber>2</PartNumber><ETag>&quot;bb&quot;</ETag></Part></CompleteMultipartUpload>");
}

TEST_CASE("what S3's XML answers say is read with their entities decoded") {
  const std::string initiated =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InitiateMultipartUploadResult "
      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>podcast</Bucket><Key>media/a.mp3</Key>"
      "<UploadId>VXBsb2FkIElE.Zm9y-bXk_&amp;x</UploadId></InitiateMultipartUploadResult>";
  CHECK(s3::xml_element(initiated, "UploadId") == "VXBsb2FkIElE.Zm9y-bXk_&x");
  CHECK(s3::xml_element(initiated, "Key") == "media/a.mp3");
  CHECK_FALSE(s3::xml_element(initiated, "ETag"));
  CHECK_FALSE(s3::xml_element(initiated, "Upload"));  // not a prefix of UploadId

  const std::string completed =
      "<CompleteMultipartUploadResult><Location>http://x/b/k</Location><ETag>&quot;3858f62230ac3c915f300c664312c11f-9"
      "&quot;</ETag></CompleteMultipartUploadResult>";
  CHECK(s3::xml_element(completed, "ETag") == "\"3858f62230ac3c915f300c664312c11f-9\"");
  CHECK(s3::xml_element("<ETag>&#34;abc&#x22;</ETag>", "ETag") == "\"abc\"");
  CHECK(s3::xml_element("<Error><Code>NoSuchUpload</Code></Error>", "Code") == "NoSuchUpload");
  CHECK(s3::xml_element("<A><ETag/></A>", "ETag") == "");
  CHECK_FALSE(s3::xml_element("<ETag>unterminated", "ETag"));
}

TEST_CASE("an ETag is compared without its quotes and case") {
  CHECK(s3::bare_etag("\"3858F62230AC3C915F300C664312C11F-9\"") == "3858f62230ac3c915f300c664312c11f-9");
  CHECK(s3::bare_etag("W/\"abc\"") == "abc");
  CHECK(s3::bare_etag("abc") == "abc");
  CHECK(s3::is_md5_etag("900150983cd24fb0d6963f7d28e17f72"));
  CHECK_FALSE(s3::is_md5_etag("3858f62230ac3c915f300c664312c11f-9"));
  CHECK_FALSE(s3::is_md5_etag("900150983cd24fb0d6963f7d28e17f7g"));
}

TEST_CASE("the record of multipart uploads reads back what was saved") {
  podsmith::test::TempDir dir;
  const std::string path = (dir.path() / ".podsmith/s3-multipart.json").string();
  auto none = podsmith::load_multipart_uploads(path);
  REQUIRE(none);
  CHECK(none->empty());

  podsmith::MultipartUploads uploads;
  uploads["https://podcast.s3.us-east-1.amazonaws.com/media/ep%201.mp3"] = {
      "16777219:1700000000123456789",
      "VXBsb2FkIElE",
      5 * kMiB,
      {{1, 5 * kMiB, "\"900150983cd24fb0d6963f7d28e17f72\""}, {3, 5 * kMiB, "\"4ed9407630eb1000c0f6b63842defa7d\""}}};
  uploads["http://127.0.0.1:9000/podcast/media/b.mp3"] = {"1:2", "x", 16 * kMiB, {}};
  REQUIRE_FALSE(podsmith::save_multipart_uploads(path, uploads));
  auto back = podsmith::load_multipart_uploads(path);
  REQUIRE(back);
  REQUIRE(back->size() == 2);
  const auto& a = back->at("https://podcast.s3.us-east-1.amazonaws.com/media/ep%201.mp3");
  CHECK(a.identity == "16777219:1700000000123456789");
  CHECK(a.upload_id == "VXBsb2FkIElE");
  CHECK(a.part_size_bytes == 5 * kMiB);
  REQUIRE(a.parts.size() == 2);
  CHECK(a.parts[1].number == 3);
  CHECK(a.parts[1].size_bytes == 5 * kMiB);
  CHECK(a.parts[1].etag == "\"4ed9407630eb1000c0f6b63842defa7d\"");
  CHECK(back->at("http://127.0.0.1:9000/podcast/media/b.mp3").parts.empty());

  REQUIRE_FALSE(podsmith::save_multipart_uploads(path, {}));
  auto empty = podsmith::load_multipart_uploads(path);
  REQUIRE(empty);
  CHECK(empty->empty());
}

TEST_CASE("a damaged record of multipart uploads is an error naming the file") {
  podsmith::test::TempDir dir;
  for (const std::string text : {"{not json", "{\"version\": 2, \"uploads\": {}}",
                                 "{\"version\": 1, \"uploads\": {\"u\": {\"identity\": 1}}}"}) {
    const std::string path = dir.write("m.json", text);
    auto m = podsmith::load_multipart_uploads(path);
    INFO(text);
    REQUIRE_FALSE(m);
    CHECK(m.error().code == podsmith::ErrorCode::kCorrupt);
    CHECK(m.error().file == path);
  }
}

TEST_CASE("the [publish] table sets the multipart sizes in bytes or with a unit, within S3's limits") {
  const std::string feed =
      "title = \"Show\"\nbase_url = \"https://example.org/show\"\n\n[publish]\ntarget = \"s3://b\"\n";
  auto defaults = podsmith::parse_feed(feed, "feeds/show.toml");
  REQUIRE(defaults);
  REQUIRE(defaults->publish);
  CHECK(defaults->publish->multipart_threshold_bytes == 64 * kMiB);
  CHECK(defaults->publish->multipart_part_size_bytes == 16 * kMiB);

  auto set =
      podsmith::parse_feed(feed + "multipart_threshold = \"1G\"\nmultipart_part_size = 8388608\n", "feeds/show.toml");
  REQUIRE(set);
  CHECK(set->publish->multipart_threshold_bytes == kGiB);
  CHECK(set->publish->multipart_part_size_bytes == 8 * kMiB);
  auto mib = podsmith::parse_feed(feed + "multipart_part_size = \"32MiB\"\n", "feeds/show.toml");
  REQUIRE(mib);
  CHECK(mib->publish->multipart_part_size_bytes == 32 * kMiB);

  struct Case {
    std::string line;
    std::string message;
  };
  const Case cases[] = {
      {"multipart_part_size = \"4M\"\n", "multipart_part_size must be a size from 5 MiB to 5120 MiB"},
      {"multipart_threshold = \"6G\"\n", "multipart_threshold must be a size from 5 MiB"},
      {"multipart_threshold = \"lots\"\n", "like \"16M\""},
      {"multipart_threshold = -1\n", "multipart_threshold must be"},
      {"multipart_treshold = \"64M\"\n", "did you mean 'multipart_threshold'?"},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    auto bad = podsmith::parse_feed(feed + c.line, "feeds/show.toml");
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().message, Catch::Contains(c.message));
    CHECK(bad.error().line == 6);
  }
}
