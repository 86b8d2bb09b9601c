#include "podsmith/base/ids.h"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using podsmith::is_uuid;
using podsmith::podcast_guid_for_url;
using podsmith::uuid_v4;
using podsmith::uuid_v5;

TEST_CASE("podcast_guid_for_url gives the Podcasting 2.0 spec's example GUIDs", "[ids]") {
  struct Case {
    const char* url;
    const char* guid;
  };
  // Examples from the podcast:guid tag's documentation.
  const Case cases[] = {
      {"podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"},
      {"https://podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"},
      {"https://podnews.net/rss/", "9b024349-ccf0-5f69-a609-6b82873eab3c"},
      {"http://podnews.net/rss//", "9b024349-ccf0-5f69-a609-6b82873eab3c"},
      {"  https://podnews.net/rss\n", "9b024349-ccf0-5f69-a609-6b82873eab3c"},
      {"mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"},
      {"https://mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.url);
    CHECK(podcast_guid_for_url(c.url) == c.guid);
  }
}

TEST_CASE("podcast_guid_for_url keeps what is not the scheme or a trailing slash", "[ids]") {
  // Case, "www." and the query are part of the URL the GUID is derived from.
  CHECK(podcast_guid_for_url("PODNEWS.net/rss") != podcast_guid_for_url("podnews.net/rss"));
  CHECK(podcast_guid_for_url("podnews.net/rss?x=1") != podcast_guid_for_url("podnews.net/rss"));
  // "://" inside the path is not a scheme.
  CHECK(podcast_guid_for_url("example.com/a?u=http://b") == uuid_v5(podsmith::kPodcastGuidNamespace,
                                                                     "example.com/a?u=http://b"));
}

TEST_CASE("uuid_v5 matches RFC 4122 reference values", "[ids]") {
  // Python's uuid.uuid5(uuid.NAMESPACE_DNS, "python.org").
  CHECK(uuid_v5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org") == "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  CHECK(uuid_v5("6BA7B810-9DAD-11D1-80B4-00C04FD430C8", "python.org") == "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  CHECK(uuid_v5(podsmith::kPodcastGuidNamespace, "podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c");
  // SHA-1's padding at each block edge: 16 namespace bytes + 0, 39 (55: one
  // block), 40 (56: the length spills into a second), 48 (64) and 225 name bytes.
  // Python's uuid.uuid5(UUID("ead4c236-..."), name).
  std::string long_url = "feeds.example.org/";
  for (int i = 0; i < 40; ++i) long_url += "long/";
  long_url += "rss.xml";
  CHECK(uuid_v5(podsmith::kPodcastGuidNamespace, "") == "c9c7bad3-4712-514e-9ebd-d1e208fa1b76");
  CHECK(uuid_v5(podsmith::kPodcastGuidNamespace, std::string(39, 'x')) == "18cc55b8-e1d1-5a03-9631-93d31ca8a831");
  CHECK(uuid_v5(podsmith::kPodcastGuidNamespace, std::string(40, 'x')) == "096a5cf3-3b6d-5660-9078-61f3f15da797");
  CHECK(uuid_v5(podsmith::kPodcastGuidNamespace, std::string(48, 'x')) == "5ce47477-36aa-53bc-bd49-278276e37239");
  CHECK(uuid_v5(podsmith::kPodcastGuidNamespace, long_url) == "9614ad4d-70dc-5c13-a673-1c04af1684d3");
}

TEST_CASE("uuid_v5 hashes names with NUL bytes and invalid UTF-8 as given", "[ids]") {
  const std::string a = uuid_v5(podsmith::kPodcastGuidNamespace, std::string("a\0b", 3));
  const std::string b = uuid_v5(podsmith::kPodcastGuidNamespace, "a");
  CHECK(is_uuid(a));
  CHECK(a != b);
  CHECK(is_uuid(uuid_v5(podsmith::kPodcastGuidNamespace, "\xFF\xFE")));
  CHECK(is_uuid(uuid_v5(podsmith::kPodcastGuidNamespace, "")));
}

TEST_CASE("uuid_v5 returns an empty string for a namespace that is not a UUID", "[ids]") {
  CHECK(uuid_v5("", "x").empty());
  CHECK(uuid_v5("{6ba7b810-9dad-11d1-80b4-00c04fd430c8}", "x").empty());
  CHECK(uuid_v5("6ba7b8109dad11d180b400c04fd430c8", "x").empty());
}

TEST_CASE("uuid_v4 is random, version 4 and RFC 4122 variant, in lowercase", "[ids]") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string u = uuid_v4();
    CAPTURE(u);
    REQUIRE(is_uuid(u));
    CHECK(u[14] == '4');
    CHECK(std::string("89ab").find(u[19]) != std::string::npos);
    CHECK(u.find_first_of("ABCDEF") == std::string::npos);
    seen.insert(u);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("is_uuid accepts only the canonical 8-4-4-4-12 form", "[ids]") {
  struct Case {
    const char* in;
    bool ok;
  };
  const Case cases[] = {
      {"9b024349-ccf0-5f69-a609-6b82873eab3c", true},
      {"9B024349-CCF0-5F69-A609-6B82873EAB3C", true},
      {"00000000-0000-0000-0000-000000000000", true},
      {"", false},
      {"9b024349ccf05f69a6096b82873eab3c", false},           // no hyphens
      {"{9b024349-ccf0-5f69-a609-6b82873eab3c}", false},     // braces
      {"urn:uuid:9b024349-ccf0-5f69-a609-6b82873eab3c", false},
      {"9b024349-ccf0-5f69-a609-6b82873eab3", false},        // one short
      {"9b024349-ccf0-5f69-a609-6b82873eab3c0", false},      // one long
      {"9b02434-9ccf0-5f69-a609-6b82873eab3c", false},       // hyphen moved
      {"9b024349-ccf0-5f69-a609-6b82873eab3g", false},       // not hex
      {" 9b024349-ccf0-5f69-a609-6b82873eab3", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    CHECK(is_uuid(c.in) == c.ok);
  }
}
