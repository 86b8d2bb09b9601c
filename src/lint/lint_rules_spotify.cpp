// Rules of Spotify's podcast delivery specification that Apple's guide does not
// already cover (most of Spotify's requirements are Apple's, and those rules are in
// the spotify set too). Each rule is one small function; the table at the end gives
// its id, severity, rule sets and summary.
#include <array>
#include <string>

#include "lint/lint_rules.h"

namespace podsmith::lint {
namespace {

void enclosure_format(Check& c, const Item& item) {
  // Spotify ingests MP3 and AAC (in MPEG-4) audio, and MP4 video.
  static constexpr std::array<std::string_view, 8> kTypes = {"audio/mpeg", "audio/x-m4a", "audio/m4a", "audio/mp4",
                                                             "audio/aac",  "audio/x-aac", "video/mp4", "video/x-m4v"};
  const FeedElement* e = item[kEnclosure];
  const std::string_view type = attr(e, "type");
  if (!e || type.empty()) return;
  bool ok = false;
  for (std::string_view t : kTypes) ok = ok || iequals(type, t);
  if (!ok)
    c.report(e, "the enclosure type " + quote(attr(e, "type")) + " is not a format Spotify ingests",
             "publish MP3 (audio/mpeg) or AAC (audio/x-m4a); Ogg, Opus, FLAC and WAV episodes are skipped");
}

void markup_in_title(Check& c, const FeedElement* e) {
  // Titles are plain text: Spotify and Apple show tags in them as they are.
  const std::string_view v = value(e);
  for (size_t i = 0; i + 1 < v.size(); ++i) {
    const char next = v[i + 1];
    if (v[i] == '<' && ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || next == '/')) {
      c.report(e, element_name(*e) + " " + quote(v) + " has HTML in it, which apps show as typed",
               "write titles as plain text");
      return;
    }
  }
}
void markup_in_title(Check& c) { markup_in_title(c, c.channel_child("", "title")); }
void markup_in_title(Check& c, const Item& item) { markup_in_title(c, item[kTitle]); }

constexpr Rule kRules[] = {
    {"spotify/enclosure-format", Severity::kWarning, kSpotify, "enclosures are MP3 or AAC audio (or MP4 video)",
     nullptr, enclosure_format},
    {"spotify/markup-in-title", Severity::kWarning, kSpotify | kApple, "titles are plain text, without HTML tags",
     markup_in_title, markup_in_title},
};

}  // namespace

std::span<const Rule> spotify_rules() { return kRules; }

}  // namespace podsmith::lint
