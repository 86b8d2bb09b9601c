// Reading and writing the workspace's own files: the one place that speaks toml++.
#include "podsmith/workspace/workspace.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <toml++/toml.h>
#include <unordered_map>

#include "base/parallel.h"
#include "podsmith/base/dates.h"
#include "podsmith/base/file_io.h"
#include "podsmith/base/text.h"

namespace podsmith {
namespace fs = std::filesystem;
namespace {

const std::vector<std::string> kFeedKeys = {
    "title",   "subtitle",    "description", "link",     "language",     "copyright",  "author",
    "owner",   "image",       "categories",  "explicit", "type",         "base_url",   "feed_url",
    "episodes", "new_feed_url", "block",     "complete", "guid",         "locked",     "funding",
    "person",  "license",     "license_url", "medium",   "update_frequency", "update_rrule", "hub",
    "keywords", "updated",    "publish", "encode", "loudness", "site"};
const std::vector<std::string> kEncodeKeys = {"format", "bitrate", "channels", "target", "true_peak"};
const std::vector<std::string> kLoudnessKeys = {"target", "true_peak"};
const std::vector<std::string> kSiteKeys = {
    "enabled", "page_size", "apple_podcasts", "spotify", "pocket_casts", "overcast", "antennapod",
    "youtube", "podcast_index", "alternates"};
const std::vector<std::string> kOwnerKeys = {"name", "email"};
const std::vector<std::string> kPublishKeys = {
    "target",  "known_hosts", "host_key_sha256", "webdav",        "endpoint",          "region",
    "public_read", "ca_file", "credentials",     "verify_public", "websub",            "podcast_index",
    "podcast_index_url", "podping", "podping_url", "multipart_threshold", "multipart_part_size"};
const std::vector<std::string> kFundingKeys = {"url", "text"};
const std::vector<std::string> kPersonKeys = {"name", "role", "group", "href", "img"};
const std::vector<std::string> kSidecarKeys = {
    "title",  "media",    "guid",  "date",     "season",      "episode", "type",    "explicit",
    "image",  "persons",  "chapters", "transcripts", "block", "subtitle", "author", "link",
    "keywords", "length", "media_type", "duration", "notes_format", "imported", "after", "before", "master",
    "slug"};
const std::vector<std::string> kTranscriptKeys = {"path", "url", "type", "language", "rel"};
// podcast:medium values (Podcasting 2.0), with their "L" list variants.
const std::set<std::string> kMediums = {"podcast",  "music",  "video",  "film",  "audiobook",
                                        "newsletter", "blog", "publisher", "course", "mixed",
                                        "podcastL", "musicL", "videoL", "filmL", "audiobookL",
                                        "newsletterL", "blogL", "publisherL", "courseL"};

Error error_at(const std::string& file, const toml::source_region& where, std::string message, int line_offset) {
  return Error{ErrorCode::kInvalidInput, std::move(message), file,
               where.begin.line > 0 ? static_cast<int>(where.begin.line) + line_offset : 0,
               static_cast<int>(where.begin.column)};
}

bool is_url(std::string_view s) { return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0; }

// Reads one TOML table, remembering which keys it was asked for, and reports
// the first problem as an Error pointing into the file.
class TableReader {
 public:
  TableReader(const toml::table& table, const std::string& file, int line_offset, std::string context = {})
      : table_(table), file_(file), line_offset_(line_offset), context_(std::move(context)) {}

  const std::optional<Error>& error() const { return error_; }

  // Rejects keys not in `known`, suggesting the nearest one.
  void check_keys(const std::vector<std::string>& known) {
    for (auto&& [key, value] : table_) {
      if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
      std::string message = "unknown key '" + std::string(key.str()) + "'" + context_;
      const std::string near = closest_match(key.str(), known);
      message += near.empty() ? "" : ", did you mean '" + near + "'?";
      fail(key.source(), message);
      return;
    }
  }

  std::string string(const char* key) {
    const toml::node* n = table_.get(key);
    if (!n) return {};
    if (const auto* s = n->as_string()) {
      bool changed = false;
      std::string clean = clean_text(s->get(), &changed);
      if (changed) fail(n->source(), std::string(key) + " is not valid UTF-8 text or holds control characters");
      return clean;
    }
    fail(n->source(), std::string(key) + " must be a string");
    return {};
  }

  std::optional<bool> boolean(const char* key) {
    const toml::node* n = table_.get(key);
    if (!n) return std::nullopt;
    if (const auto* b = n->as_boolean()) return b->get();
    fail(n->source(), std::string(key) + " must be true or false");
    return std::nullopt;
  }

  std::optional<int> positive_int(const char* key) {
    const toml::node* n = table_.get(key);
    if (!n) return std::nullopt;
    const auto* i = n->as_integer();
    if (!i || i->get() < 1 || i->get() > 1'000'000'000) {
      fail(n->source(), std::string(key) + " must be a positive integer, like " + key + " = 3");
      return std::nullopt;
    }
    return static_cast<int>(i->get());
  }

  std::optional<int64_t> byte_count(const char* key) {
    const toml::node* n = table_.get(key);
    if (!n) return std::nullopt;
    const auto* i = n->as_integer();
    if (!i || i->get() < 0) {
      fail(n->source(), std::string(key) + " must be a number of bytes (0 when unknown)");
      return std::nullopt;
    }
    return i->get();
  }

  // A size from `min` to `max` bytes: a number of bytes, or a string with a
  // binary unit ("16M" or "16MiB": 16 * 2^20; K, M and G).
  std::optional<int64_t> size_in_bytes(const char* key, int64_t min, int64_t max) {
    const toml::node* n = table_.get(key);
    if (!n) return std::nullopt;
    int64_t value = -1;
    if (const auto* i = n->as_integer()) value = i->get();
    if (const auto* s = n->as_string()) {
      const std::string& text = s->get();
      size_t digits = 0;
      while (digits < text.size() && digits < 12 && text[digits] >= '0' && text[digits] <= '9') ++digits;
      std::string unit = text.substr(digits);
      if (unit.size() == 3 && unit.substr(1) == "iB") unit.resize(1);
      const int shift = unit == "" ? 0 : unit == "K" ? 10 : unit == "M" ? 20 : unit == "G" ? 30 : -1;
      if (digits > 0 && digits < 12 && shift >= 0) value = std::stoll(text.substr(0, digits)) << shift;
    }
    if (value < min || value > max) {
      fail(n->source(), std::string(key) + " must be a size from " + std::to_string(min >> 20) + " MiB to " +
                            std::to_string(max >> 20) + " MiB, in bytes or like \"16M\"");
      return std::nullopt;
    }
    return value;
  }

  // Seconds as a number (3725.5) or a clock ("01:02:05.5"), in milliseconds.
  std::optional<int64_t> seconds(const char* key) {
    const toml::node* n = table_.get(key);
    if (!n) return std::nullopt;
    double value = -1;
    if (const auto* i = n->as_integer()) value = static_cast<double>(i->get());
    if (const auto* f = n->as_floating_point()) value = f->get();
    if (const auto* s = n->as_string()) {
      double part = 0;
      value = 0;
      std::string text = s->get();
      for (size_t start = 0; start <= text.size();) {
        const size_t colon = std::min(text.find(':', start), text.size());
        try {
          part = std::stod(text.substr(start, colon - start));
        } catch (const std::exception&) {
          value = -1;
          break;
        }
        value = value * 60 + part;
        start = colon + 1;
      }
    }
    if (!(value >= 0) || value > 1e9) {
      fail(n->source(), std::string(key) + " must be seconds (3725.5) or a clock (\"01:02:05.5\")");
      return std::nullopt;
    }
    return static_cast<int64_t>(value * 1000 + 0.5);
  }

  std::optional<Timestamp> datetime(const char* key) {
    const toml::node* n = table_.get(key);
    if (!n) return std::nullopt;
    const auto* dt = n->as_date_time();
    if (!dt) {
      fail(n->source(), std::string(key) + " is not a TOML datetime; write it like " + key +
                            " = 2006-01-12T09:30:00-08:00 (no quotes)");
      return std::nullopt;
    }
    const toml::date_time& v = dt->get();
    if (!v.offset) {
      // A local time means different moments on different machines.
      fail(n->source(), std::string(key) + " needs a UTC offset, like 2006-01-12T09:30:00-08:00 or ...Z");
      return std::nullopt;
    }
    Timestamp t;
    t.offset_minutes = v.offset->minutes;
    t.unix_seconds = days_from_civil(v.date.year, v.date.month, v.date.day) * 86400 + v.time.hour * 3600 +
                     v.time.minute * 60 + v.time.second - int64_t{t.offset_minutes} * 60;
    return t;
  }

  // A string or an array of strings.
  std::vector<std::string> strings(const char* key) {
    const toml::node* n = table_.get(key);
    if (!n) return {};
    if (n->is_string()) return {string(key)};
    std::vector<std::string> out;
    if (const auto* a = n->as_array()) {
      for (const toml::node& item : *a) {
        if (const auto* s = item.as_string()) {
          out.push_back(clean_text(s->get()));
        } else {
          fail(item.source(), std::string(key) + " must hold strings");
          return {};
        }
      }
      return out;
    }
    fail(n->source(), std::string(key) + " must be a string or a list of strings");
    return {};
  }

  // An array of tables (also a single table), each read by `read`.
  template <class Read>
  void tables(const char* key, const Read& read) {
    const toml::node* n = table_.get(key);
    if (!n) return;
    if (const auto* t = n->as_table()) {
      read(*t);
      return;
    }
    if (const auto* a = n->as_array()) {
      for (const toml::node& item : *a) {
        if (const auto* t = item.as_table()) {
          read(*t);
        } else {
          fail(item.source(), std::string(key) + " must be a list of tables, like [[" + key + "]]");
          return;
        }
      }
      return;
    }
    fail(n->source(), std::string(key) + " must be a table or a list of tables");
  }

  const toml::node* node(const char* key) const { return table_.get(key); }

  void fail(const toml::source_region& where, std::string message) {
    if (!error_) error_ = error_at(file_, where, std::move(message), line_offset_);
  }
  void fail_at(const char* key, std::string message) {
    const toml::node* n = table_.get(key);
    fail(n ? n->source() : table_.source(), std::move(message));
  }
  void adopt(const std::optional<Error>& e) {
    if (!error_ && e) error_ = e;
  }

  const std::string& file() const { return file_; }
  int line_offset() const { return line_offset_; }

 private:
  const toml::table& table_;
  const std::string& file_;
  int line_offset_;
  std::string context_;
  std::optional<Error> error_;
};

Person read_person(const toml::table& t, TableReader& parent, const char* key) {
  TableReader r(t, parent.file(), parent.line_offset(), std::string(" in ") + key);
  r.check_keys(kPersonKeys);
  Person p{r.string("name"), r.string("role"), r.string("group"), r.string("href"), r.string("img")};
  if (p.name.empty()) r.fail(t.source(), std::string(key) + " needs a name");
  parent.adopt(r.error());
  return p;
}

// A path written relative to `base_dir` (workspace-relative), as a normalized
// workspace-relative path; nullopt when it leaves the workspace.
std::optional<std::string> resolve_path(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || path.find('\\') != std::string::npos) return std::nullopt;
  const fs::path joined = (fs::path(base_dir) / path).lexically_normal();
  const std::string s = joined.generic_string();
  if (s.empty() || s == "." || s == ".." || s.rfind("../", 0) == 0 || s[0] == '/') return std::nullopt;
  return s;
}

std::string parent_dir(const std::string& file) { return fs::path(file).parent_path().generic_string(); }

// Reads a path-or-URL key: a URL goes to *url; a path resolves into *path.
void path_or_url(TableReader& r, const char* key, const std::string& base_dir, std::string* url, std::string* path) {
  const std::string value = r.string(key);
  if (value.empty()) return;
  if (is_url(value)) {
    *url = value;
    return;
  }
  if (auto resolved = resolve_path(base_dir, value)) {
    *path = *resolved;
  } else {
    r.fail_at(key, std::string(key) + " '" + value + "' is outside the workspace");
  }
}

std::optional<Error> parse_toml(std::string_view text, const std::string& file, int line_offset, toml::table* out) {
  try {
    *out = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    return error_at(file, e.source(), std::string(e.description()), line_offset);
  }
  return std::nullopt;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  // '*' matches any run of characters except '/', '**' any run including '/',
  // '?' one character other than '/'.
  size_t p = 0, t = 0, star_p = std::string_view::npos, star_t = 0;
  bool star_crosses = false;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_crosses = p + 1 < pattern.size() && pattern[p + 1] == '*';
      p += star_crosses ? 2 : 1;
      star_p = p;
      star_t = t;
    } else if (p < pattern.size() && (pattern[p] == text[t] || (pattern[p] == '?' && text[t] != '/'))) {
      ++p, ++t;
    } else if (star_p != std::string_view::npos && (star_crosses || text[star_t] != '/')) {
      p = star_p;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// Lists the tree under the open directory `dir_fd` (workspace-relative `dir`) into
// *out, one fstatat() per entry by name (~1 µs; a full path each cost twice that).
void list_tree(int dir_fd, const std::string& dir, std::vector<ListedFile>* out, int depth) {
  DIR* d = ::fdopendir(dir_fd);
  if (d == nullptr) {
    ::close(dir_fd);
    return;
  }
  while (const dirent* entry = ::readdir(d)) {
    const char* name = entry->d_name;
    if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
    struct stat st {};
    if (::fstatat(::dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISLNK(st.st_mode)) {
      // A link counts as the file it names; one to a directory is not followed.
      if (::fstatat(::dirfd(d), name, &st, 0) != 0 || !S_ISREG(st.st_mode)) continue;
    }
    if (S_ISREG(st.st_mode)) {
      out->push_back(ListedFile{dir + '/' + name, int64_t{st.st_size},
                                int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec});
    } else if (S_ISDIR(st.st_mode) && depth < 64) {
      const int sub = ::openat(::dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub >= 0) list_tree(sub, dir + '/' + name, out, depth + 1);
    }
  }
  ::closedir(d);
}

// The file, or "" with *error set. `size_bytes` is the listing's (-1: unknown).
std::string read_whole_file(const std::string& path, std::optional<Error>* error, const std::string& shown,
                            int64_t size_bytes = -1) {
  auto text = size_bytes < 0 ? read_file(path) : read_listed_file(path, size_bytes);
  if (!text) {
    *error = Error{ErrorCode::kUnreadable, "cannot read the file", shown, 0, 0};
    return {};
  }
  return std::move(*text);
}

bool is_env_name(std::string_view s) {
  return !s.empty() && !std::isdigit(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
         });
}

// A loudness in LUFS or dB from `min` to `max`; nullopt when absent or wrong.
std::optional<double> decibels(TableReader& r, const char* key, double min, double max, const char* example) {
  const toml::node* n = r.node(key);
  if (!n) return std::nullopt;
  std::optional<double> value;
  if (const auto* i = n->as_integer()) value = static_cast<double>(i->get());
  if (const auto* f = n->as_floating_point()) value = f->get();
  if (!value || *value < min || *value > max) {
    r.fail(n->source(), std::string(key) + " must be a number from " + std::to_string(static_cast<int>(min)) + " to " +
                            std::to_string(static_cast<int>(max)) + ", like " + example);
    return std::nullopt;
  }
  return value;
}

// Reads [encode]; the first problem is in r.error().
MasterSettings read_encode_into(TableReader& r) {
  r.check_keys(kEncodeKeys);
  MasterSettings m;
  if (r.node("format")) {
    const std::string format = r.string("format");
    if (auto f = parse_encode_format(format))
      m.format = *f;
    else
      r.fail_at("format", "format must be \"mp3\", \"m4a\" or \"opus\"");
  }
  if (r.node("bitrate")) {
    const toml::node* n = r.node("bitrate");
    std::optional<int> kbps;
    if (const auto* s = n->as_string()) kbps = parse_bitrate_kbps(s->get());
    if (const auto* i = n->as_integer()) kbps = parse_bitrate_kbps(std::to_string(i->get()) + "k");
    if (kbps)
      m.bitrate_kbps = *kbps;
    else
      r.fail(n->source(), "bitrate must be like \"128k\" (8k to 512k)");
  }
  if (r.node("channels")) {
    const toml::node* n = r.node("channels");
    const auto* i = n->as_integer();
    if (i && (i->get() == 1 || i->get() == 2))
      m.channels = static_cast<int>(i->get());
    else
      r.fail(n->source(), "channels must be 1 (mono, for speech) or 2");
  }
  if (auto t = decibels(r, "target", -40, -5, "target = -16")) m.target_lufs = *t;
  if (auto t = decibels(r, "true_peak", -20, 0, "true_peak = -1")) m.true_peak_dbtp = *t;
  return m;
}

// Reads [publish]; the first problem is in r.error().
PublishSettings read_publish_into(TableReader& r) {
  r.check_keys(kPublishKeys);
  PublishSettings p;
  p.target = r.string("target");
  const size_t scheme_end = p.target.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : p.target.substr(0, scheme_end);
  const std::string after = scheme_end == std::string::npos ? "" : p.target.substr(scheme_end + 3);
  const std::string authority = after.substr(0, after.find('/'));
  if (p.target.empty()) {
    r.fail_at("target", "publish needs a target, like target = \"sftp://example.org/var/www/podcast\"");
  } else if (scheme != "sftp" && scheme != "ftp" && scheme != "ftps" && scheme != "http" && scheme != "https" &&
             scheme != "s3") {
    r.fail_at("target", "target must be an sftp://, ftp://, ftps://, http://, https:// or s3:// URL");
  } else if (authority.empty()) {
    r.fail_at("target", "target names no host (or bucket)");
  } else if (authority.find(':') != std::string::npos && authority.find('@') != std::string::npos &&
             authority.find(':') < authority.find('@')) {
    // A password in a committed file is how credentials leak.
    r.fail_at("target", "target holds a password: remove it and set " + std::string("PODSMITH_PASSWORD") +
                            " (or the prefix given by credentials) in the environment, or use a netrc file");
  }
  p.known_hosts = r.string("known_hosts");
  p.host_key_sha256 = r.string("host_key_sha256");
  if (p.host_key_sha256.rfind("SHA256:", 0) == 0) p.host_key_sha256.erase(0, 7);
  while (!p.host_key_sha256.empty() && p.host_key_sha256.back() == '=') p.host_key_sha256.pop_back();
  p.webdav = r.boolean("webdav").value_or(true);
  p.endpoint = r.string("endpoint");
  if (!p.endpoint.empty() && !is_url(p.endpoint)) r.fail_at("endpoint", "endpoint must be an http or https URL");
  if (const std::string region = r.string("region"); !region.empty()) p.region = region;
  p.public_read = r.boolean("public_read").value_or(false);
  // S3's limits: parts of 5 MiB at least (but the last), a single PUT or a part of 5 GiB at most.
  constexpr int64_t kMiB = int64_t{1} << 20;
  if (auto bytes = r.size_in_bytes("multipart_threshold", 5 * kMiB, 5 * 1024 * kMiB)) {
    p.multipart_threshold_bytes = *bytes;
  }
  if (auto bytes = r.size_in_bytes("multipart_part_size", 5 * kMiB, 5 * 1024 * kMiB)) {
    p.multipart_part_size_bytes = *bytes;
  }
  p.ca_file = r.string("ca_file");
  if (const std::string prefix = r.string("credentials"); !prefix.empty()) p.credentials = prefix;
  if (!is_env_name(p.credentials))
    r.fail_at("credentials", "credentials is the prefix of environment variables (like \"PODSMITH\"): "
                             "upper-case letters, digits and _ only");
  p.verify_public = r.boolean("verify_public").value_or(true);
  p.websub = r.boolean("websub").value_or(true);
  p.podcast_index = r.boolean("podcast_index").value_or(false);
  if (const std::string url = r.string("podcast_index_url"); !url.empty()) p.podcast_index_url = url;
  if (!is_url(p.podcast_index_url)) r.fail_at("podcast_index_url", "podcast_index_url must be an http or https URL");
  p.podping = r.boolean("podping").value_or(false);
  if (const std::string url = r.string("podping_url"); !url.empty()) p.podping_url = url;
  if (!is_url(p.podping_url)) r.fail_at("podping_url", "podping_url must be an http or https URL");
  return p;
}

// Reads [site]; the first problem is in r.error().
SiteSettings read_site_into(TableReader& r) {
  r.check_keys(kSiteKeys);
  SiteSettings site;
  site.enabled = r.boolean("enabled").value_or(true);
  if (auto size = r.positive_int("page_size")) {
    if (*size > 1000) r.fail_at("page_size", "page_size must be from 1 to 1000 episodes");
    site.page_size = *size;
  }
  const std::pair<const char*, std::string*> links[] = {
      {"apple_podcasts", &site.apple_podcasts}, {"spotify", &site.spotify},   {"pocket_casts", &site.pocket_casts},
      {"overcast", &site.overcast},             {"antennapod", &site.antennapod}, {"youtube", &site.youtube},
      {"podcast_index", &site.podcast_index}};
  for (const auto& [key, value] : links) {
    *value = r.string(key);
    if (!value->empty() && !is_url(*value))
      r.fail_at(key, std::string(key) + " must be the show's http or https URL there");
  }
  if (r.node("alternates")) {
    site.alternates_given = true;
    site.alternates = r.strings("alternates");
  }
  return site;
}

}  // namespace

bool is_podcast_medium(std::string_view medium) { return kMediums.count(std::string(medium)) > 0; }

const std::vector<std::string>& media_extensions() {
  static const std::vector<std::string> kExtensions = {"mp3", "m4a", "m4b", "mp4", "m4v", "mov", "ogg",
                                                       "oga", "opus", "flac", "wav", "aiff", "aif"};
  return kExtensions;
}

Result<FeedSource> parse_feed(std::string_view text, const std::string& file) {
  toml::table table;
  if (auto e = parse_toml(text, file, 0, &table)) return *e;
  TableReader r(table, file, 0);
  r.check_keys(kFeedKeys);

  FeedSource feed;
  feed.file = file;
  Show& s = feed.show;
  s.name = fs::path(file).stem().string();
  s.title = r.string("title");
  s.subtitle = r.string("subtitle");
  s.description_text = r.string("description");  // Markdown until build renders it
  s.link = r.string("link");
  s.language = r.string("language");
  s.copyright = r.string("copyright");
  s.author = r.string("author");
  if (const toml::node* owner = r.node("owner")) {
    if (const auto* t = owner->as_table()) {
      TableReader o(*t, file, 0, " in owner");
      o.check_keys(kOwnerKeys);
      s.owner_name = o.string("name");
      s.owner_email = o.string("email");
      r.adopt(o.error());
    } else {
      r.fail(owner->source(), "owner must be a table: [owner] with name and email");
    }
  }
  path_or_url(r, "image", "", &s.image, &feed.image_file);
  for (const std::string& c : r.strings("categories")) {
    const size_t slash = c.find('/');
    s.categories.push_back(slash == std::string::npos
                               ? Category{std::string(trim(c)), {}}
                               : Category{std::string(trim(c.substr(0, slash))), std::string(trim(c.substr(slash + 1)))});
  }
  s.explicit_content = r.boolean("explicit");
  s.type = r.string("type");
  if (!s.type.empty() && s.type != "episodic" && s.type != "serial")
    r.fail_at("type", "type must be \"episodic\" or \"serial\"");
  s.base_url = r.string("base_url");
  if (s.base_url.empty()) {
    r.fail(table.source(), "base_url is required: where the workspace root is published, like "
                           "base_url = \"https://example.org/podcast/\"");
  } else if (!is_url(s.base_url)) {
    r.fail_at("base_url", "base_url must be an http or https URL");
  } else if (s.base_url.back() != '/') {
    s.base_url += '/';
  }
  s.feed_url = r.string("feed_url");
  if (!s.feed_url.empty() && !is_url(s.feed_url)) r.fail_at("feed_url", "feed_url must be an http or https URL");
  if (s.feed_url.empty() && !s.base_url.empty()) s.feed_url = s.base_url + "feeds/" + s.name + ".xml";
  feed.episode_patterns = r.strings("episodes");
  if (feed.episode_patterns.empty()) feed.episode_patterns = {"media/**.md"};
  s.new_feed_url = r.string("new_feed_url");
  s.block = r.boolean("block").value_or(false);
  s.complete = r.boolean("complete").value_or(false);
  s.podcast_guid = r.string("guid");
  s.locked = r.boolean("locked").value_or(false);
  s.locked_owner = s.owner_email;
  r.tables("funding", [&](const toml::table& t) {
    TableReader f(t, file, 0, " in funding");
    f.check_keys(kFundingKeys);
    Funding fund{f.string("url"), f.string("text")};
    if (!is_url(fund.url)) f.fail(t.source(), "funding needs an http or https url");
    r.adopt(f.error());
    s.funding.push_back(std::move(fund));
  });
  r.tables("person", [&](const toml::table& t) { s.persons.push_back(read_person(t, r, "person")); });
  s.license = r.string("license");
  s.license_url = r.string("license_url");
  s.medium = r.string("medium");
  if (!s.medium.empty() && !is_podcast_medium(s.medium))
    r.fail_at("medium", "medium '" + s.medium + "' is not a podcast:medium value (podcast, music, video, film, "
                        "audiobook, newsletter, blog, publisher, course)");
  s.update_frequency = r.string("update_frequency");
  s.update_rrule = r.string("update_rrule");
  s.websub_hub = r.string("hub");
  if (const toml::node* publish = r.node("publish")) {
    if (const auto* t = publish->as_table()) {
      TableReader p(*t, file, 0, " in publish");
      feed.publish = read_publish_into(p);
      r.adopt(p.error());
    } else {
      r.fail(publish->source(), "publish must be a table: [publish] with target = \"sftp://...\"");
    }
  }
  if (const toml::node* encode = r.node("encode")) {
    if (const auto* t = encode->as_table()) {
      TableReader e(*t, file, 0, " in encode");
      feed.encode = read_encode_into(e);
      r.adopt(e.error());
      feed.loudness_target_lufs = feed.encode->target_lufs;
      feed.true_peak_ceiling_dbtp = feed.encode->true_peak_dbtp;
    } else {
      r.fail(encode->source(), "encode must be a table: [encode] with format = \"mp3\", bitrate = \"128k\"");
    }
  }
  if (const toml::node* loudness = r.node("loudness")) {
    if (const auto* t = loudness->as_table()) {
      TableReader l(*t, file, 0, " in loudness");
      l.check_keys(kLoudnessKeys);
      if (auto v = decibels(l, "target", -40, -5, "target = -16")) feed.loudness_target_lufs = *v;
      if (auto v = decibels(l, "true_peak", -20, 0, "true_peak = -1")) feed.true_peak_ceiling_dbtp = *v;
      r.adopt(l.error());
    } else {
      r.fail(loudness->source(), "loudness must be a table: [loudness] with target = -16, true_peak = -1");
    }
  }
  if (const toml::node* site = r.node("site")) {
    if (const auto* t = site->as_table()) {
      TableReader p(*t, file, 0, " in site");
      feed.site = read_site_into(p);
      r.adopt(p.error());
    } else {
      r.fail(site->source(), "site must be a table: [site] turns on the show's website");
    }
  }
  s.keywords = r.string("keywords");
  s.updated = r.datetime("updated");
  if (s.title.empty() && !r.error()) r.fail(table.source(), "title is required");
  if (r.error()) return *r.error();
  return feed;
}

Result<EpisodeSource> parse_sidecar(std::string_view text, const std::string& file) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  // The front matter sits between a first line "+++" and the next "+++" line.
  const auto line_end = [&](size_t from) {
    const size_t nl = text.find('\n', from);
    return nl == std::string_view::npos ? text.size() : nl;
  };
  const auto line_at = [&](size_t from) { return trim(text.substr(from, line_end(from) - from)); };
  if (line_at(0) != "+++")
    return Error{ErrorCode::kInvalidInput,
                 "a sidecar starts with TOML front matter between +++ lines (guid, date, ...), then the notes",
                 file, 1, 1};
  size_t pos = line_end(0) + 1;
  const size_t front_start = std::min(pos, text.size());
  size_t front_end = std::string_view::npos;
  size_t body_start = text.size();
  while (pos < text.size()) {
    if (line_at(pos) == "+++") {
      front_end = pos;
      body_start = std::min(line_end(pos) + 1, text.size());
      break;
    }
    pos = line_end(pos) + 1;
  }
  if (front_end == std::string_view::npos)
    return Error{ErrorCode::kInvalidInput, "the front matter is not closed: add a line +++ after it", file, 1, 1};

  toml::table table;
  if (auto e = parse_toml(text.substr(front_start, front_end - front_start), file, 1, &table)) return *e;
  TableReader r(table, file, 1);
  r.check_keys(kSidecarKeys);

  EpisodeSource src;
  src.file = file;
  src.notes_markdown = std::string(text.substr(body_start));
  const std::string dir = parent_dir(file);
  Episode& ep = src.episode;
  ep.sidecar = file;
  ep.title = r.string("title");
  ep.subtitle = r.string("subtitle");
  ep.author = r.string("author");
  ep.link = r.string("link");
  ep.keywords = r.string("keywords");
  const std::string media = r.string("media");
  if (is_url(media)) {
    // Imported and not downloaded: the enclosure as the old feed gave it.
    src.remote_media = true;
    ep.enclosure.url = media;
    ep.enclosure.length_bytes = r.byte_count("length").value_or(0);
    ep.enclosure.type = r.string("media_type");
    if (ep.enclosure.type.empty())
      r.fail_at("media", "a media URL needs its MIME type, like media_type = \"audio/mpeg\"");
    if (!r.node("length")) r.fail_at("media", "a media URL needs its length in bytes, like length = 12345678");
    if (auto seconds = r.seconds("duration")) ep.duration_ms = *seconds;
  } else if (r.node("length") || r.node("duration") || r.node("media_type")) {
    r.fail_at(r.node("length") ? "length" : r.node("duration") ? "duration" : "media_type",
              "length, media_type and duration are for a media URL; a media file is measured by podsmith");
  }
  const std::string notes_format = r.string("notes_format");
  if (!notes_format.empty() && notes_format != "markdown" && notes_format != "html")
    r.fail_at("notes_format", "notes_format must be \"markdown\" or \"html\"");
  src.notes_are_html = notes_format == "html";
  if (!media.empty() && !src.remote_media) {
    if (auto resolved = resolve_path(dir, media)) {
      ep.media = *resolved;
    } else {
      r.fail_at("media", "media '" + media + "' is outside the workspace");
    }
  }
  // master: the recording build makes the media file from (the feed's [encode]).
  if (const std::string master = r.string("master"); !master.empty()) {
    if (src.remote_media || media.empty())
      r.fail_at("master", "a sidecar with a master names the file build makes from it, like media = \"ep1.mp3\"");
    else if (auto resolved = resolve_path(dir, master))
      src.master_file = *resolved;
    else
      r.fail_at("master", "master '" + master + "' is outside the workspace");
  }
  ep.guid = r.string("guid");
  if (!r.node("guid"))
    r.fail(table.source(), "no guid: an episode's guid is written once and never changes; add "
                           "guid = \"<a new UUID>\" to the front matter (podsmith add does this)");
  else if (trim(ep.guid).empty())
    r.fail_at("guid", "guid is empty");
  src.imported = r.boolean("imported").value_or(false);
  if (auto date = r.datetime("date")) {
    ep.date = *date;
  } else if (!r.node("date") && !src.imported) {
    // Only an item imported without a pubDate may lack one: a date is never invented.
    r.fail(table.source(), "no date: add the publication date, like date = 2006-01-12T09:30:00-08:00 "
                           "(podsmith add does this)");
  }
  src.slug = r.string("slug");
  if (!src.slug.empty() && !is_valid_slug(src.slug))
    r.fail_at("slug", "slug must be a URL path of a-z, 0-9, - and _ (parts separated by /), like slug = \"ep-1\"");
  src.after = r.string("after");
  src.before = r.string("before");
  if (!src.after.empty() || !src.before.empty()) {
    const char* key = !src.after.empty() ? "after" : "before";
    if (r.node("date"))
      r.fail_at(key, std::string(key) + " places an episode that has no date; this one is placed by its date");
    else if (!src.after.empty() && !src.before.empty())
      r.fail_at("before", "give after or before, not both");
  }
  ep.season = r.positive_int("season");
  ep.episode = r.positive_int("episode");
  ep.episode_type = r.string("type");
  if (!ep.episode_type.empty() && ep.episode_type != "full" && ep.episode_type != "trailer" &&
      ep.episode_type != "bonus")
    r.fail_at("type", "type must be \"full\", \"trailer\" or \"bonus\"");
  ep.explicit_content = r.boolean("explicit");
  ep.block = r.boolean("block").value_or(false);
  path_or_url(r, "image", dir, &ep.image, &src.image_file);
  r.tables("persons", [&](const toml::table& t) { ep.persons.push_back(read_person(t, r, "persons")); });
  const std::string chapters = r.string("chapters");
  if (!chapters.empty()) {
    if (is_url(chapters)) {
      ep.chapters_url = chapters;
    } else if (auto resolved = resolve_path(dir, chapters)) {
      src.chapters_file = *resolved;
    } else {
      r.fail_at("chapters", "chapters '" + chapters + "' is outside the workspace");
    }
  }
  // transcripts: "file.vtt", ["a.vtt", "b.srt"], or [[transcripts]] tables.
  if (const toml::node* n = r.node("transcripts")) {
    const auto add_path = [&](const std::string& value, Transcript t, const toml::source_region& where) {
      if (is_url(value)) {
        t.url = value;
      } else if (auto resolved = resolve_path(dir, value)) {
        t.source = *resolved;
      } else {
        r.fail(where, "transcript '" + value + "' is outside the workspace");
        return;
      }
      src.transcripts.push_back(std::move(t));
    };
    if (n->is_string() || (n->is_array() && n->as_array()->is_homogeneous(toml::node_type::string))) {
      for (const std::string& value : r.strings("transcripts")) add_path(value, {}, n->source());
    } else {
      r.tables("transcripts", [&](const toml::table& t) {
        TableReader tr(t, file, 1, " in transcripts");
        tr.check_keys(kTranscriptKeys);
        Transcript tx;
        tx.type = tr.string("type");
        tx.language = tr.string("language");
        tx.rel = tr.string("rel");
        std::string where = tr.string("path");
        if (where.empty()) where = tr.string("url");
        if (where.empty()) tr.fail(t.source(), "a transcript needs a path or a url");
        r.adopt(tr.error());
        if (!where.empty()) add_path(where, tx, t.source());
      });
    }
  }
  if (r.error()) return *r.error();
  return src;
}

namespace {

// The files under media/ as one listing read them, to look names up in without
// a stat() each (thousands of episodes, a dozen names each); anything else is
// stat()ed.
struct MediaFiles {
  const fs::path& base;
  const std::unordered_map<std::string_view, int64_t>& listed;  // path -> size in bytes

  bool exist(const std::string& relative) const {
    if (relative.rfind("media/", 0) == 0) return listed.count(relative) > 0;
    return fs::is_regular_file(base / relative);
  }

  int64_t size_of(const std::string& relative) const {
    const auto it = listed.find(relative);
    return it == listed.end() ? -1 : it->second;
  }

  // base / relative, without taking either apart into a path object.
  std::string path_of(const std::string& relative) const {
    const std::string& root = base.native();
    if (root.empty()) return relative;
    return root.back() == '/' ? root + relative : root + '/' + relative;
  }
};

// `path` without the extension of its file name, as parent_path() / stem() has
// it: "media/a/ep1.mp3" -> "media/a/ep1"; ".hidden" and ".." have none.
std::string without_extension(const std::string& path) {
  const size_t name = path.rfind('/') + 1;  // 0 without a slash
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos || dot <= name || path.compare(name, std::string::npos, "..") == 0) return path;
  return path.substr(0, dot);
}

// One sidecar, read and completed from the files beside it: its episode, or the
// error that rules it out; and the files it names that are missing, which count
// only if it keeps its media.
struct LoadedSidecar {
  std::optional<EpisodeSource> source;
  std::optional<Error> error;
  std::vector<Error> missing;
};

void load_sidecar(const MediaFiles& files, const std::string& f, LoadedSidecar* out) {
  std::optional<Error> read_error;
  const std::string text = read_whole_file(files.path_of(f), &read_error, f, files.size_of(f));
  if (read_error) {
    out->error = std::move(read_error);
    return;
  }
  auto parsed = parse_sidecar(text, f);
  if (!parsed) {
    out->error = parsed.error();
    return;
  }
  EpisodeSource& src = out->source.emplace(std::move(*parsed));
  const std::string stem = f.substr(0, f.size() - 3);  // "media/a/ep1.md" -> "media/a/ep1"
  if (src.remote_media) {
    // Nothing on disk to find or claim; files beside it are named after the sidecar.
  } else if (src.episode.media.empty()) {
    std::vector<std::string> found;
    std::string candidate = stem + '.';  // one buffer for the dozen names
    for (const std::string& ext : media_extensions()) {
      candidate.resize(stem.size() + 1);
      candidate += ext;
      if (files.exist(candidate)) found.push_back(candidate);
    }
    if (found.empty()) {
      out->error = Error{ErrorCode::kNotFound,
                        "no media file " + stem + ".mp3 (or .m4a, ...) beside this sidecar; set media = \"FILE\"", f,
                        0, 0};
      return;
    }
    if (found.size() > 1) {
      out->error = Error{ErrorCode::kInvalidInput,
                        "several media files match (" + found[0] + ", " + found[1] +
                            "); say which one with media = \"FILE\"",
                        f, 0, 0};
      return;
    }
    src.episode.media = found[0];
  } else if (!src.master_file.empty()) {
    // The media is made from the master by build: the master must be there.
    if (!files.exist(src.master_file)) {
      out->error = Error{ErrorCode::kNotFound, "master " + src.master_file + " does not exist", f, 0, 0};
      return;
    }
  } else if (!files.exist(src.episode.media)) {
    out->error = Error{ErrorCode::kNotFound, "media file " + src.episode.media + " does not exist", f, 0, 0};
    return;
  }
  // Files beside the media: <stem>.chapters.txt, <stem>.vtt, <stem>.srt.
  const std::string media_stem = src.remote_media ? stem : without_extension(src.episode.media);
  std::string beside = media_stem;
  const auto with_extension = [&](const char* ext) -> const std::string& {
    beside.resize(media_stem.size());
    return beside += ext;
  };
  if (src.chapters_file.empty() && src.episode.chapters_url.empty()) {
    for (const char* ext : {".chapters.txt", ".chapters.json"}) {
      if (files.exist(with_extension(ext))) {
        src.chapters_file = beside;
        break;
      }
    }
  }
  if (src.transcripts.empty()) {
    for (const char* ext : {".vtt", ".srt"}) {
      if (files.exist(with_extension(ext))) {
        Transcript t;
        t.source = beside;
        src.transcripts.push_back(std::move(t));
      }
    }
  }
  for (const Transcript& t : src.transcripts) {
    if (!t.source.empty() && !files.exist(t.source))
      out->missing.push_back(Error{ErrorCode::kNotFound, "transcript " + t.source + " does not exist", f, 0, 0});
  }
  if (!src.chapters_file.empty() && !files.exist(src.chapters_file))
    out->missing.push_back(Error{ErrorCode::kNotFound, "chapters file " + src.chapters_file + " does not exist", f, 0, 0});
  if (!src.image_file.empty() && !files.exist(src.image_file))
    out->missing.push_back(Error{ErrorCode::kNotFound, "image " + src.image_file + " does not exist", f, 0, 0});
}

}  // namespace

std::vector<ListedFile> list_workspace_files(const std::string& root) { return list_workspace_files(root, {"feeds", "media"}); }

std::vector<ListedFile> list_workspace_files(const std::string& root, const std::vector<std::string>& dirs) {
  std::vector<ListedFile> files;
  for (const std::string& dir : dirs) {
    const int fd = ::open((fs::path(root) / dir).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) list_tree(fd, dir, &files, 0);
  }
  std::sort(files.begin(), files.end(), [](const ListedFile& a, const ListedFile& b) { return a.path < b.path; });
  return files;
}

LoadedWorkspace load_workspace(const std::string& root) { return load_workspace(root, list_workspace_files(root)); }

LoadedWorkspace load_workspace(const std::string& root, const std::vector<ListedFile>& listing) {
  LoadedWorkspace out;
  out.workspace.root = root;
  const fs::path base(root);

  // Feeds (feeds/*.toml), sorted by file name so every machine reads them in one order.
  std::vector<const ListedFile*> feed_files;
  for (const ListedFile& f : listing) {
    const std::string_view p = f.path;
    // "x.toml" directly in feeds/ (".toml" has no extension, as fs::path::extension() tells).
    if (p.rfind("feeds/", 0) == 0 && p.find('/', 6) == std::string_view::npos && p.size() > 6 + 5 &&
        p.substr(p.size() - 5) == ".toml")
      feed_files.push_back(&f);
  }
  if (feed_files.empty())
    out.errors.push_back(Error{ErrorCode::kNotFound,
                               "no feeds/*.toml here: run podsmith init, or run podsmith in the workspace's root",
                               root, 0, 0});
  for (const ListedFile* f : feed_files) {
    std::optional<Error> read_error;
    const std::string text = read_whole_file((base / f->path).string(), &read_error, f->path, f->size_bytes);
    if (read_error) {
      out.errors.push_back(*read_error);
      continue;
    }
    auto feed = parse_feed(text, f->path);
    if (feed) {
      out.workspace.feeds.push_back(std::move(*feed));
    } else {
      out.errors.push_back(feed.error());
    }
  }

  std::unordered_map<std::string_view, int64_t> media_files;
  std::vector<std::string> sidecars;  // every .md (but README.md), sorted
  for (const ListedFile& f : listing) {
    const std::string& relative = f.path;
    if (relative.rfind("media/", 0) != 0) continue;
    const std::string_view name = std::string_view(relative).substr(relative.rfind('/') + 1);
    // "x.md" (not ".md", which has no extension), as fs::path::extension() tells.
    if (name.size() > 3 && name.substr(name.size() - 3) == ".md" && name != "README.md") sidecars.push_back(relative);
    media_files.emplace(relative, f.size_bytes);
  }
  std::sort(sidecars.begin(), sidecars.end());
  // Reading, parsing and looking up the files beside a sidecar need nothing from
  // the others: on every core. Only claiming media goes in sidecar order, so the
  // errors come in one order however many threads there are.
  const MediaFiles files{base, media_files};
  std::vector<LoadedSidecar> loaded(sidecars.size());
  parallel_for(sidecars.size(), 0, [&](size_t i) { load_sidecar(files, sidecars[i], &loaded[i]); });
  out.workspace.episodes.reserve(sidecars.size());
  std::map<std::string, std::string> claimed;  // media path -> sidecar
  for (size_t i = 0; i < sidecars.size(); ++i) {
    LoadedSidecar& l = loaded[i];
    if (l.error) {
      out.errors.push_back(std::move(*l.error));
      continue;
    }
    EpisodeSource& src = *l.source;
    // A local file is one episode's; a URL at the old host may be named by several
    // (a rebroadcast of an episode, with a guid of its own).
    const auto [it, inserted] =
        src.remote_media ? std::pair{claimed.end(), true} : claimed.emplace(src.episode.media, sidecars[i]);
    if (!inserted) {
      out.errors.push_back(Error{ErrorCode::kInvalidInput,
                                 "media " + it->first + " is also claimed by " + it->second +
                                     "; each media file belongs to one sidecar",
                                 sidecars[i], 0, 0});
      continue;
    }
    for (Error& e : l.missing) out.errors.push_back(std::move(e));
    out.workspace.episodes.push_back(std::move(src));
  }
  for (const FeedSource& feed : out.workspace.feeds) {
    if (!feed.image_file.empty() && !fs::is_regular_file(base / feed.image_file))
      out.errors.push_back(Error{ErrorCode::kNotFound, "image " + feed.image_file + " does not exist", feed.file, 0, 0});
  }
  return out;
}

namespace {

// TOML basic strings: the escapes TOML requires (text is clean_text'ed already).
std::string toml_quote(const std::string& v) {
  std::string out = "\"";
  for (char c : clean_text(v)) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

class TomlWriter {
 public:
  void string(const char* key, const std::string& value) {
    if (!value.empty()) out_ += std::string(key) + " = " + toml_quote(value) + "\n";
  }
  void raw(const char* key, const std::string& value) { out_ += std::string(key) + " = " + value + "\n"; }
  void boolean(const char* key, std::optional<bool> value) {
    if (value) raw(key, *value ? "true" : "false");
  }
  void integer(const char* key, std::optional<int64_t> value) {
    if (value) raw(key, std::to_string(*value));
  }
  void table(const std::string& header) { out_ += "\n" + header + "\n"; }
  // A comment line; line breaks in `text` cannot end it early.
  void comment(const std::string& text) {
    std::string line = clean_text(text);
    std::replace(line.begin(), line.end(), '\n', ' ');
    std::replace(line.begin(), line.end(), '\r', ' ');
    out_ += "# " + line + "\n";
  }
  void person(const char* key, const Person& p) {
    table(std::string("[[") + key + "]]");
    string("name", p.name);
    string("role", p.role);
    string("group", p.group);
    string("href", p.href);
    string("img", p.img);
  }
  std::string& text() { return out_; }

 private:
  std::string out_;
};

}  // namespace

std::string format_sidecar(const NewSidecar& s) {
  TomlWriter w;
  w.string("title", s.title);
  w.string("media", s.media);
  w.string("master", s.master);
  if (is_url(s.media)) w.integer("length", s.media_length);
  w.string("media_type", s.media_type);
  if (s.duration_ms > 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(s.duration_ms / 1000),
                  static_cast<long long>(s.duration_ms % 1000));
    w.raw("duration", buf);
  }
  w.raw("guid", toml_quote(s.guid));
  if (s.date) {
    w.raw("date", format_rfc3339(*s.date));
  } else {
    w.comment("no date: the imported item had none podsmith could read, and a date is never invented");
    if (!s.original_date.empty()) w.comment("its pubDate was " + toml_quote(s.original_date));
    w.string("after", s.after);
    w.string("before", s.before);
  }
  if (s.season) w.integer("season", *s.season);
  if (s.episode) w.integer("episode", *s.episode);
  w.string("type", s.episode_type);
  w.boolean("explicit", s.explicit_content);
  w.string("subtitle", s.subtitle);
  w.string("author", s.author);
  w.string("link", s.link);
  w.string("image", s.image);
  w.string("chapters", s.chapters);
  if (s.block) w.boolean("block", true);
  w.string("keywords", s.keywords);
  if (s.imported) w.boolean("imported", true);
  if (s.notes_are_html) w.string("notes_format", "html");
  for (const Person& p : s.persons) w.person("persons", p);
  for (const Transcript& t : s.transcripts) {
    w.table("[[transcripts]]");
    if (!t.url.empty()) w.string("url", t.url);
    else w.string("path", t.source);
    w.string("type", t.type);
    w.string("language", t.language);
    w.string("rel", t.rel);
  }
  std::string out = "+++\n" + w.text() + "+++\n";
  out += s.notes;
  if (!s.notes_are_html && !s.notes.empty() && out.back() != '\n') out += '\n';
  return out;
}

std::string format_feed(const Show& s, const std::string& description,
                        const std::vector<std::string>& categories_as_given) {
  TomlWriter w;
  w.string("title", s.title);
  w.string("subtitle", s.subtitle);
  if (!description.empty()) w.raw("description", toml_quote(description));
  w.string("link", s.link);
  w.string("language", s.language);
  w.string("copyright", s.copyright);
  w.string("author", s.author);
  w.string("image", s.image);
  if (!categories_as_given.empty()) {
    std::string given;
    for (const std::string& c : categories_as_given) given += (given.empty() ? "" : ", ") + toml_quote(c);
    w.comment("categories as the imported feed gave them: " + given);
    w.comment("mapped onto Apple's current list (podsmith import: how Apple moved shows in 2019)");
  }
  if (!s.categories.empty()) {
    std::string list = "[";
    for (const Category& c : s.categories) {
      if (list.size() > 1) list += ", ";
      list += toml_quote(c.subcategory.empty() ? c.name : c.name + "/" + c.subcategory);
    }
    w.raw("categories", list + "]");
  }
  w.boolean("explicit", s.explicit_content);
  w.string("type", s.type);
  w.string("base_url", s.base_url);
  w.string("feed_url", s.feed_url);
  if (s.block) w.boolean("block", true);
  if (s.complete) w.boolean("complete", true);
  w.string("keywords", s.keywords);
  w.string("guid", s.podcast_guid);
  if (s.locked) w.boolean("locked", true);
  w.string("medium", s.medium);
  w.string("license", s.license);
  w.string("license_url", s.license_url);
  w.string("update_frequency", s.update_frequency);
  w.string("update_rrule", s.update_rrule);
  w.string("hub", s.websub_hub);
  if (!s.owner_name.empty() || !s.owner_email.empty()) {
    w.table("[owner]");
    w.string("name", s.owner_name);
    w.string("email", s.owner_email);
  }
  for (const Funding& f : s.funding) {
    w.table("[[funding]]");
    w.string("url", f.url);
    w.string("text", f.text);
  }
  for (const Person& p : s.persons) w.person("person", p);
  return w.text();
}

bool matches_any_pattern(const std::vector<std::string>& patterns, const std::string& path) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return glob_match(p, path); });
}

}  // namespace podsmith
