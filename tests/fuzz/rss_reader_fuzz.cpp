// libFuzzer target for the RSS reader: whatever the bytes, read_feed returns a
// FeedDocument or an Error, never crashes or trips a sanitizer, and every string it
// returns is valid UTF-8. Run it with `scripts/fuzz rss_reader SECONDS`.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "podsmith/feed/rss_reader.h"
#include "podsmith/base/text.h"

namespace {

void require_utf8(std::string_view s) {
  if (!podsmith::is_valid_utf8(s)) __builtin_trap();
}

void check(const podsmith::FeedElement& e) {
  require_utf8(e.ns());
  require_utf8(e.name());
  require_utf8(e.prefix());
  require_utf8(e.text());
  for (const auto& [name, value] : e.attributes()) require_utf8(name), require_utf8(value);
  for (const podsmith::FeedElement& c : e.children()) check(c);
}

void check(const podsmith::Show& s) {
  for (const std::string* f : {&s.title, &s.description_html, &s.description_text, &s.link, &s.image, &s.author,
                               &s.feed_url, &s.owner_email, &s.podcast_guid})
    require_utf8(*f);
  for (const podsmith::Episode& e : s.episodes)
    for (const std::string* f : {&e.guid, &e.title, &e.link, &e.notes_html, &e.summary_html, &e.enclosure.url,
                                 &e.enclosure.type, &e.image, &e.chapters_url})
      require_utf8(*f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  podsmith::ReadOptions options;
  if (size % 2 == 1) options.base_url = "https://example.com/shows/a/feed.xml";  // both ways of resolving URLs
  const podsmith::Result<podsmith::FeedDocument> r = podsmith::read_feed(std::string(bytes), "fuzz.xml", options);
  if (!r) {
    if (r.error().message.empty()) __builtin_trap();
    require_utf8(r.error().message);
    return 0;
  }
  check(r->rss);
  check(r->show);
  if (r->items.size() != r->show.episodes.size()) __builtin_trap();
  for (const podsmith::Error& p : r->problems) require_utf8(p.message);
  return 0;
}
