// libFuzzer target for the workspace's own files (src/workspace/workspace.*): the
// input is a sidecar (+++ TOML front matter +++, then notes) and, the same bytes,
// a feed file (feeds/<name>.toml). Whatever the bytes, nothing crashes or trips a
// sanitizer; an error names the file and says what is wrong; and what parses
// keeps every path inside the workspace (the README: "paths outside the
// workspace" are errors), with clean text in every string read.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "podsmith/workspace/workspace.h"

using namespace podsmith;

namespace {

// A workspace-relative path as resolve_path() promises it: not absolute, no ".."
// component, no backslash.
void require_inside(const std::string& path) {
  if (path.empty()) return;
  FUZZ_REQUIRE(path[0] != '/' && path.find('\\') == std::string::npos);
  FUZZ_REQUIRE(path != ".." && path.rfind("../", 0) != 0 && path.find("/../") == std::string::npos &&
          !(path.size() >= 3 && path.compare(path.size() - 3, 3, "/..") == 0));
  fuzz::require_utf8(path);
}

void check_error(const Error& e, const std::string& file) {
  fuzz::check_error(e);
  FUZZ_REQUIRE(e.file == file);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = fuzz::bytes_of(data, size);

  const std::string sidecar_file = "media/2006/ep1.md";
  const Result<EpisodeSource> sidecar = parse_sidecar(bytes, sidecar_file);
  if (!sidecar) {
    check_error(sidecar.error(), sidecar_file);
  } else {
    const Episode& ep = sidecar->episode;
    require_inside(ep.media);
    require_inside(sidecar->image_file);
    require_inside(sidecar->chapters_file);
    for (const Transcript& t : sidecar->transcripts) require_inside(t.source);
    for (const std::string* s : {&ep.title, &ep.guid, &ep.subtitle, &ep.author, &ep.link, &ep.keywords, &ep.image,
                                 &ep.chapters_url, &ep.enclosure.url, &ep.enclosure.type})
      fuzz::require_clean(*s);
    for (const Person& p : ep.persons) FUZZ_REQUIRE(!p.name.empty()), fuzz::require_clean(p.name);
    FUZZ_REQUIRE(!ep.guid.empty());
    FUZZ_REQUIRE(!ep.season || *ep.season > 0);
    FUZZ_REQUIRE(!ep.episode || *ep.episode > 0);
    FUZZ_REQUIRE(ep.enclosure.length_bytes >= 0);
  }

  const std::string feed_file = "feeds/show.toml";
  const Result<FeedSource> feed = parse_feed(bytes, feed_file);
  if (!feed) {
    check_error(feed.error(), feed_file);
  } else {
    const Show& s = feed->show;
    FUZZ_REQUIRE(!s.title.empty());
    FUZZ_REQUIRE(!s.base_url.empty() && s.base_url.back() == '/');
    require_inside(feed->image_file);
    for (const std::string* f : {&s.title, &s.subtitle, &s.description_text, &s.link, &s.language, &s.author,
                                 &s.owner_email, &s.feed_url, &s.podcast_guid, &s.keywords})
      fuzz::require_clean(*f);
    for (const Category& c : s.categories) fuzz::require_clean(c.name), fuzz::require_clean(c.subcategory);
    FUZZ_REQUIRE(!feed->episode_patterns.empty());
    // The globs run over every listed file; they must not crash or run away.
    const std::string paths[] = {"media/2006/ep1.md", "media/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w.md",
                                 std::string(200, 'a')};
    for (const std::string& path : paths)
      matches_any_pattern(feed->episode_patterns, path);
  }
  return 0;
}
