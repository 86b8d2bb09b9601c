// The `loudness` rule set: what the enclosure's audio itself must be, measured by
// decoding it (podsmith/audio/loudness.h). The feed alone cannot say, so these rules
// do not run in lint_feed(); lint_loudness() runs them with the media at hand (build
// --lint: the workspace's files, measured once and kept in the probe cache).
#include <algorithm>
#include <cmath>
#include <tuple>
#include <cstdio>
#include <string>

#include <stdlib.h>

#include <filesystem>
#include <map>

#include "lint/lint_rules.h"
#include "podsmith/audio/loudness.h"
#include "podsmith/base/http_client.h"

namespace podsmith::lint {
namespace {

std::string figure(double v, const char* unit) {
  char text[48];
  std::snprintf(text, sizeof text, "%.1f %s", v, unit);
  return text;
}

constexpr Rule kRules[] = {
    // Apple Podcasts: "-16 LKFS ± 1 dB" integrated, true peak at or below -1 dBFS
    // (podcasters.apple.com/support/893-audio-requirements); the target is the feed's.
    {"loudness/integrated", Severity::kWarning, kLoudness, "integrated loudness within ±1 LU of the target (-16 LUFS)",
     nullptr, nullptr},
    {"loudness/true-peak", Severity::kWarning, kLoudness, "true peak at or below the ceiling (-1 dBTP)", nullptr, nullptr},
    // Apple (same page): MP3 at 44.1 kHz minimum, 44.1 or 48 kHz recommended; Spotify
    // asks for the same two rates.
    {"loudness/sample-rate", Severity::kWarning, kLoudness, "audio at 44.1 or 48 kHz", nullptr, nullptr},
    // Apple (same page): MP3 mono at least 32 kbps, 96-128 kbps recommended; stereo at
    // least 64 kbps, 128-256 kbps recommended.
    {"loudness/mp3-bitrate", Severity::kWarning, kLoudness,
     "MP3 bitrate at least 32 kbps mono or 64 kbps stereo (Apple's minimums)", nullptr, nullptr},
    {"loudness/mono-speech", Severity::kInfo, kLoudness,
     "low-bitrate MP3 in mono: stereo under 96 kbps halves the bits each channel of speech gets", nullptr, nullptr},
};

}  // namespace

std::span<const Rule> loudness_rules() { return kRules; }

}  // namespace podsmith::lint

namespace podsmith {

std::vector<Finding> lint_loudness(const FeedDocument& doc, const LintOptions& options, const LoudnessLimits& limits,
                                   const std::function<std::optional<MediaInfo>(const std::string& url)>& media) {
  std::vector<Finding> findings;
  if (!doc.channel) return findings;
  const unsigned sets = lint::selected_sets(options.rule_sets);
  if (!(sets & lint::kLoudness)) return findings;
  lint::Check check(doc, options, &findings);
  const lint::Rule* rules = lint::kRules;
  for (const FeedElement* e : doc.items) {
    const lint::Item& item = check.add_item(*e);
    const FeedElement* enclosure = item[lint::kEnclosure];
    if (!enclosure) continue;
    const std::optional<MediaInfo> info = media(std::string(lint::attr(enclosure, "url")));
    if (!info || info->has_video) continue;
    if (const auto& l = info->loudness) {
      check.set_rule(&rules[0]);
      const double off = l->integrated_lufs - limits.target_lufs;
      if (std::fabs(off) > 1.0)
        check.report(enclosure,
                     "the audio's integrated loudness is " + lint::figure(l->integrated_lufs, "LUFS") + ", " +
                         lint::figure(std::fabs(off), "LU") + (off < 0 ? " below" : " above") + " the target " +
                         lint::figure(limits.target_lufs, "LUFS"),
                     "master it to the target: podsmith master, or a master and [encode] in the workspace");
      check.set_rule(&rules[1]);
      if (l->true_peak_dbtp > limits.true_peak_dbtp + 0.05)
        check.report(enclosure,
                     "the audio's true peak is " + lint::figure(l->true_peak_dbtp, "dBTP") + ", above the ceiling " +
                         lint::figure(limits.true_peak_dbtp, "dBTP"),
                     "peaks above the ceiling distort when players decode or re-encode it; podsmith master limits them");
    }
    check.set_rule(&rules[2]);
    if (info->sample_rate_hz != 44100 && info->sample_rate_hz != 48000 && info->codec != "opus")
      check.report(enclosure, "the audio's sample rate is " + std::to_string(info->sample_rate_hz) + " Hz",
                   "publish at 44.1 or 48 kHz");
    if (info->codec == "mp3") {
      const bool mono = info->channels == 1;
      check.set_rule(&rules[3]);
      if (info->bitrate_kbps < (mono ? 32 : 64))
        check.report(enclosure,
                     "the MP3 is " + std::to_string(info->bitrate_kbps) + " kbps " + (mono ? "mono" : "stereo") +
                         ", under Apple's minimum of " + (mono ? "32" : "64") + " kbps",
                     mono ? "encode mono speech at 96-128 kbps" : "encode stereo at 128-256 kbps, or speech in mono");
      check.set_rule(&rules[4]);
      if (!mono && info->bitrate_kbps < 96)
        check.report(enclosure,
                     "the MP3 is stereo at " + std::to_string(info->bitrate_kbps) + " kbps",
                     "for speech, mono at the same bitrate sounds better ([encode] channels = 1, or master --mono)");
    }
  }
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.file, a.line, a.column, a.rule) < std::tie(b.file, b.line, b.column, b.rule);
  });
  return findings;
}

}  // namespace podsmith

namespace podsmith {

std::vector<Finding> lint_loudness_online(const FeedDocument& doc, const LintOptions& options,
                                          const LoudnessLimits& limits, const OnlineLintOptions& online) {
  if (!doc.channel) return {};
  // Each enclosure once, downloaded whole into a private temporary directory.
  std::vector<std::string> urls;
  for (const FeedElement* item : doc.items) {
    if (const FeedElement* enclosure = item->child("", "enclosure")) {
      const std::string url(lint::attr(enclosure, "url"));
      if ((url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) &&
          std::find(urls.begin(), urls.end(), url) == urls.end())
        urls.push_back(url);
    }
  }
  if (urls.empty()) return {};
  std::string dir = (std::filesystem::temp_directory_path() / "podsmith-loudness-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) return {};
  std::vector<HttpDownloadRequest> downloads;
  for (size_t i = 0; i < urls.size(); ++i) {
    HttpDownloadRequest d;
    d.request.method = "GET";
    d.request.url = urls[i];
    d.path = dir + "/" + std::to_string(i);
    downloads.push_back(std::move(d));
  }
  HttpOptions http;
  http.timeout_s = 0;  // an episode takes as long as it takes; a stall still ends it
  if (!online.ca_file.empty()) http.ca_file = online.ca_file;
  const auto results = http_download_all(downloads, http, std::max(1, online.parallel));
  std::vector<std::string> paths;
  std::vector<size_t> which;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i] && results[i]->complete) {
      paths.push_back(downloads[i].path);
      which.push_back(i);
    }
  }
  // A download that failed is the online rules' finding (apple/enclosure-reachable), not ours.
  std::map<std::string, MediaInfo> media;
  probe_loudness_each(paths, [&](size_t k, Result<MediaInfo> info) {
    if (info.has_value()) media[urls[which[k]]] = std::move(info.value());
  });
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return lint_loudness(doc, options, limits, [&](const std::string& url) -> std::optional<MediaInfo> {
    auto it = media.find(url);
    if (it == media.end()) return std::nullopt;
    return it->second;
  });
}

}  // namespace podsmith
