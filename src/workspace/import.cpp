#include "podsmith/workspace/import.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "podsmith/base/dates.h"
#include "podsmith/base/file_io.h"
#include "podsmith/base/ids.h"
#include "podsmith/feed/categories.h"
#include "podsmith/workspace/scaffold.h"
#include "podsmith/base/text.h"
#include "podsmith/workspace/transcripts.h"
#include "podsmith/workspace/workspace.h"

namespace podsmith {
namespace fs = std::filesystem;
namespace {

// "https://host/path/feed.xml" -> "https://host/path/".
std::string directory_of(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t slash = url.rfind('/');
  if (scheme == std::string::npos || slash == std::string::npos || slash < scheme + 3) return {};
  return url.substr(0, slash + 1);
}

// The sidecar's path without ".md": "media/2019-03-04-title", "media/undated-title"
// for an item without a date (a slug: lowercase ASCII letters, digits and dashes, so
// nothing in it can leave media/).
std::string sidecar_stem(const Episode& ep, size_t index, std::set<std::string>* taken) {
  char date[16] = "undated";
  if (ep.date) {
    const CivilTime c = to_civil(*ep.date);
    std::snprintf(date, sizeof date, "%04lld-%02d-%02d", static_cast<long long>(c.year), c.month, c.day);
  }
  std::string slug = slugify(ep.title.empty() ? "episode-" + std::to_string(index + 1) : ep.title);
  if (slug.size() > 60) slug.resize(60);
  std::string name = std::string(date) + "-" + slug;
  std::string candidate = name;
  for (int n = 2; !taken->insert(candidate).second; ++n) candidate = name + "-" + std::to_string(n);
  return "media/" + candidate;
}

std::string lowercase(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// The extension of a downloaded enclosure: the URL path's, when it is one of the
// media extensions podsmith knows (a host's "download.php?id=3" says nothing),
// else the one usual for the MIME type, else "bin" (build's probe decides by the
// bytes and says when the extension disagrees).
std::string media_extension(const std::string& url, const std::string& mime_type) {
  const size_t scheme = url.find("://");
  const size_t path_start = scheme == std::string::npos ? 0 : url.find('/', scheme + 3);
  const std::string path =
      path_start == std::string::npos ? "" : url.substr(path_start, url.find_first_of("?#", path_start) - path_start);
  const size_t dot = path.rfind('.');
  if (dot != std::string::npos && path.find('/', dot) == std::string::npos) {
    const std::string ext = lowercase(path.substr(dot + 1));
    const auto& known = media_extensions();
    if (ext == "aac" || std::find(known.begin(), known.end(), ext) != known.end()) return ext;
  }
  static const std::map<std::string, std::string> kByType = {
      {"audio/mpeg", "mp3"},   {"audio/mp3", "mp3"},   {"audio/mpeg3", "mp3"},  {"audio/x-mpeg", "mp3"},
      {"audio/x-m4a", "m4a"},  {"audio/m4a", "m4a"},   {"audio/mp4", "m4a"},    {"audio/x-m4b", "m4b"},
      {"audio/aac", "aac"},    {"audio/x-aac", "aac"}, {"video/mp4", "mp4"},    {"video/x-m4v", "m4v"},
      {"video/quicktime", "mov"}, {"audio/ogg", "ogg"}, {"audio/vorbis", "ogg"}, {"audio/opus", "opus"},
      {"audio/flac", "flac"},  {"audio/x-flac", "flac"}, {"audio/wav", "wav"},  {"audio/x-wav", "wav"},
      {"audio/wave", "wav"},   {"audio/aiff", "aiff"}, {"audio/x-aiff", "aiff"}};
  std::string type = lowercase(mime_type);
  type = type.substr(0, type.find(';'));
  const auto it = kByType.find(std::string(trim(type)));
  return it == kByType.end() ? "bin" : it->second;
}

// The RFC 4122 namespace for URLs: a download's name in kImportDownloadDir is the
// name-based UUID of its URL, so a run resumes exactly the bytes of that URL,
// whatever the episode's title has become in the meantime.
constexpr std::string_view kUrlNamespace = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

// Renames without ever replacing: a file that appeared at `to` meanwhile is kept.
bool move_no_replace(const fs::path& from, const fs::path& to, std::string* why) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno != EINVAL && errno != ENOSYS) {
    *why = std::strerror(errno);
    return false;
  }
  // A file system that cannot refuse to replace: look, then rename.
  std::error_code ec;
  if (fs::exists(to, ec)) {
    *why = "it exists";
    return false;
  }
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    *why = std::strerror(errno);
    return false;
  }
  return true;
}

std::string plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

Error problem(const std::string& source, const FeedElement* at, std::string message,
              ErrorCode code = ErrorCode::kInvalidInput) {
  return Error{code, std::move(message), source, at ? at->at.line : 0, at ? at->at.column : 0};
}

// A title for a channel that has none (build needs one): the channel image's title,
// else --name, else the feed's file name or host; and where it came from.
std::pair<std::string, std::string> stand_in_title(const FeedDocument& doc, const std::string& source,
                                                   const std::string& name) {
  const FeedElement* image = doc.channel->child("", "image");
  const FeedElement* image_title = image ? image->child("", "title") : nullptr;
  if (image_title && !trim(image_title->text()).empty())
    return {clean_text(std::string(trim(image_title->text()))), "the title of the channel's <image>"};
  if (!name.empty()) return {name, "--name"};
  std::string from = source;
  const size_t scheme = from.find("://");
  if (scheme != std::string::npos) {
    from = from.substr(scheme + 3);
    from = from.substr(0, from.find_first_of("/?#"));
    const size_t at = from.rfind('@');  // never a user name
    if (at != std::string::npos) from = from.substr(at + 1);
    if (!from.empty()) return {from, "the feed's host"};
  } else {
    std::string stem = fs::path(from).stem().string();
    bool changed = false;
    stem = clean_text(stem, &changed);
    if (!stem.empty() && !changed) return {stem, "the feed's file name"};
  }
  return {"Untitled podcast", "nothing better"};
}

// "Parent/Sub" or "Parent", as feed files write a category.
std::string category_text(std::string_view name, std::string_view sub) {
  return sub.empty() ? std::string(name) : std::string(name) + "/" + std::string(sub);
}

// The show's categories on Apple's current list (build takes nothing else): the
// old ones mapped as Apple moved shows in 2019, those that map nowhere dropped,
// each change a warning. *as_given: the feed's own, when anything changed.
std::vector<Category> current_list(const std::vector<Category>& given, const std::string& source,
                                   const FeedDocument& doc, std::vector<std::string>* as_given,
                                   ImportReport* report) {
  // Where each category stands in the feed, as the reader made them: one for an
  // <itunes:category> without subcategories, else one per subcategory.
  std::vector<const FeedElement*> where;
  for (const FeedElement* cat : doc.channel->children_named(kItunesNs, "category")) {
    if (!cat->attribute("text")) continue;
    const auto subs = cat->children_named(kItunesNs, "category");
    if (subs.empty()) where.push_back(cat);
    where.insert(where.end(), subs.begin(), subs.end());
  }
  if (where.size() != given.size()) where.assign(given.size(), doc.channel);
  std::vector<Category> out;
  bool changed = false;
  for (size_t i = 0; i < given.size(); ++i) {
    const Category& c = given[i];
    const std::string text = category_text(c.name, c.subcategory);
    const std::vector<CurrentCategory> mapped = current_categories(c.name, c.subcategory);
    const FeedElement* at = where[i];
    if (mapped.empty()) {
      report->warnings.push_back(problem(source, at,
                                         "dropped the category '" + text + "': it is not on Apple's list, " +
                                             "and no category there took its place (" +
                                             explain_category(c.name, c.subcategory) + ")"));
      changed = true;
      continue;
    }
    std::string became;
    for (const CurrentCategory& m : mapped) {
      became += (became.empty() ? "'" : ", '") + category_text(m.name, m.subcategory) + "'";
      const bool seen = std::any_of(out.begin(), out.end(), [&](const Category& o) {
        return o.name == m.name && o.subcategory == m.subcategory;
      });
      if (!seen) out.push_back(Category{m.name, m.subcategory});
    }
    if (mapped.size() != 1 || mapped[0].name != c.name || mapped[0].subcategory != c.subcategory) {
      report->warnings.push_back(problem(source, at,
                                         "the category '" + text + "' is " + became +
                                             " on Apple's current list; the feed file says so (and keeps '" + text +
                                             "' in a comment)"));
      changed = true;
    }
  }
  if (changed) {
    for (const Category& c : given) as_given->push_back(category_text(c.name, c.subcategory));
  }
  return out;
}

// The persons that have a name: podcast:person's text is the name, and one without
// is no one build can write.
std::vector<Person> named_persons(const std::vector<Person>& persons, const std::string& whose,
                                  const std::string& source, const FeedElement* at, ImportReport* report) {
  std::vector<Person> out;
  for (const Person& p : persons) {
    if (!trim(p.name).empty()) {
      out.push_back(p);
      continue;
    }
    const std::string link = !p.href.empty() ? "href " + p.href : !p.img.empty() ? "img " + p.img : "nothing else";
    report->warnings.push_back(problem(source, at,
                                       whose + " has a <podcast:person> without a name (" + link + "); skipped"));
  }
  return out;
}

// Channel values build would refuse that a feed may carry: a <language> that is not
// a two-letter code ("en_US" is read as "en-us"; "English" is left out) and a
// podcast:medium in another case ("Podcast"), each with a warning.
void fit_channel_values(Show* show, const std::string& source, const FeedDocument& doc, ImportReport* report) {
  if (!show->language.empty() && !is_language_code(show->language)) {
    std::string code = std::string(trim(show->language));
    std::replace(code.begin(), code.end(), '_', '-');
    std::transform(code.begin(), code.end(), code.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    const std::string given = show->language;
    show->language = is_language_code(code) ? code : "";
    report->warnings.push_back(problem(
        source, doc.channel->child("", "language"),
        "the language '" + given + "' is not a code like en or en-us; " +
            (show->language.empty() ? "left out: set language in the feed file"
                                    : "the feed file says '" + show->language + "'")));
  }
  if (!show->medium.empty() && !is_podcast_medium(show->medium)) {
    std::string medium = show->medium;
    const bool list = medium.size() > 1 && medium.back() == 'L';
    std::transform(medium.begin(), medium.end() - (list ? 1 : 0), medium.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    const std::string given = show->medium;
    show->medium = is_podcast_medium(medium) ? medium : "";
    report->warnings.push_back(problem(
        source, doc.channel->child(kPodcastNs, "medium"),
        "the podcast:medium '" + given + "' is not one of the podcast namespace's; " +
            (show->medium.empty() ? "left out" : "the feed file says '" + show->medium + "'")));
  }
}

// The transcripts build can declare: each needs a type, given or told by its name.
std::vector<Transcript> typed_transcripts(const std::vector<Transcript>& transcripts, const std::string& label,
                                          const std::string& source, const FeedElement* at, ImportReport* report) {
  std::vector<Transcript> out;
  for (const Transcript& t : transcripts) {
    if (t.type.empty() && transcript_type_for(t.url).empty()) {
      report->warnings.push_back(problem(source, at,
                                         label + " has a <podcast:transcript> " + t.url +
                                             " without a type, and its name does not tell it; skipped"));
      continue;
    }
    out.push_back(t);
  }
  return out;
}

// One enclosure to fetch for --download.
struct PlannedMedia {
  std::string url;
  std::string target;   // workspace-relative: "media/2019-03-04-title.mp3"
  std::string staged;   // workspace-relative, in kImportDownloadDir
  int64_t enclosure_length = 0;
  std::string label;    // "item 3 (Title)"
  const FeedElement* item = nullptr;
};

// A media file moved (or copied) into media/, so that a failure later can undo it.
struct Placed {
  fs::path from;
  fs::path to;
  bool copied = false;
};

void undo(const std::vector<Placed>& placed) {
  for (auto it = placed.rbegin(); it != placed.rend(); ++it) {
    std::error_code ec;
    if (it->copied) {
      fs::remove(it->to, ec);
    } else {
      fs::rename(it->to, it->from, ec);  // back where the next run finds it
    }
  }
}

// Fetches every planned media file into kImportDownloadDir. Returns the first
// failure (naming its item, with a count of the others); warns about sizes that
// differ from the enclosure's length.
std::optional<Error> download_all(const fs::path& root, const std::vector<PlannedMedia>& media,
                                  const std::string& source, const ImportOptions& options, ImportReport* report) {
  std::error_code ec;
  const fs::path dir = root / kImportDownloadDir;
  fs::create_directories(dir, ec);
  if (ec) return Error{ErrorCode::kUnreadable, "cannot create the directory: " + ec.message(), dir.string(), 0, 0};
  // Whatever waits here stays out of git even in a workspace without a .gitignore.
  if (!fs::exists(dir / ".gitignore", ec)) (void)write_file_atomically((dir / ".gitignore").string(), "*\n");

  // One download per URL: two items with one enclosure get a copy each. A file an
  // earlier run completed is not fetched again.
  std::vector<std::optional<Result<HttpDownload>>> results;  // per URL
  std::map<std::string, size_t> by_staged;                   // staged path -> its URL's index
  std::vector<size_t> url_of(media.size());
  std::vector<HttpDownloadRequest> requests;
  std::vector<size_t> url_of_request;
  std::vector<int64_t> done, total;  // per URL
  DownloadProgress progress;
  for (size_t i = 0; i < media.size(); ++i) {
    const auto [it, fresh] = by_staged.emplace(media[i].staged, results.size());
    url_of[i] = it->second;
    if (!fresh) continue;
    const fs::path staged = root / media[i].staged;
    results.emplace_back();
    done.push_back(0);
    total.push_back(std::max<int64_t>(media[i].enclosure_length, 0));
    if (fs::is_regular_file(staged, ec)) {
      HttpDownload earlier;
      earlier.complete = true;
      earlier.size_bytes = earlier.resumed_bytes = static_cast<int64_t>(fs::file_size(staged, ec));
      done.back() = total.back() = earlier.size_bytes;
      results.back() = std::move(earlier);
      ++progress.files_done;
      continue;
    }
    HttpDownloadRequest r;
    r.request.url = media[i].url;
    r.path = staged.string();
    requests.push_back(std::move(r));
    url_of_request.push_back(results.size() - 1);
  }

  progress.files = results.size();
  const size_t files_earlier = progress.files_done;
  for (size_t u = 0; u < results.size(); ++u) {
    progress.bytes_total += total[u];
    progress.bytes_done += done[u];
  }
  HttpOptions http = options.http;
  http.progress = [&](int64_t finished, int64_t) {
    progress.files_done = files_earlier + static_cast<size_t>(finished);
    if (options.progress) options.progress(progress);
  };
  http.download_progress = [&](size_t index, int64_t bytes, int64_t size) {
    const size_t u = url_of_request[index];
    progress.bytes_done += bytes - done[u];
    done[u] = bytes;
    if (size > 0 && size != total[u]) {
      progress.bytes_total += size - total[u];
      total[u] = size;
    }
    if (options.progress) options.progress(progress);
  };
  if (options.progress) options.progress(progress);
  auto fetched = http_download_all(requests, http, std::max(options.download_jobs, 1));
  for (size_t r = 0; r < fetched.size(); ++r) results[url_of_request[r]] = std::move(fetched[r]);

  std::optional<Error> first;
  size_t failed = 0;
  std::vector<bool> seen(results.size());
  for (size_t i = 0; i < media.size(); ++i) {
    const PlannedMedia& m = media[i];
    const size_t u = url_of[i];
    const bool first_use = !seen[u];
    seen[u] = true;
    const Result<HttpDownload>& result = *results[u];
    std::string why;
    if (!result) {
      why = result.error().message;
    } else if (!result->complete) {
      why = redact_url(m.url) + ": the server answered HTTP " + std::to_string(result->response.status);
    } else if (result->size_bytes == 0) {
      why = redact_url(m.url) + ": the server sent an empty file";
      fs::remove(root / m.staged, ec);
    }
    if (!why.empty()) {
      if (!first_use) continue;  // one failure per URL
      if (!first) first = problem(source, m.item, m.label + ": " + why, ErrorCode::kUnreadable);
      ++failed;
      continue;
    }
    if (m.enclosure_length > 0 && result->size_bytes != m.enclosure_length) {
      report->warnings.push_back(problem(source, m.item,
                                         m.label + ": downloaded " + std::to_string(result->size_bytes) +
                                             " bytes where the enclosure says length=\"" +
                                             std::to_string(m.enclosure_length) +
                                             "\"; build writes the true length"));
    }
    if (first_use) {
      report->downloaded_bytes += result->size_bytes;
      report->resumed_bytes += result->resumed_bytes;
    }
  }
  if (!first) return std::nullopt;
  if (failed > 1) first->message += " (and " + plural(failed - 1, "more download") + " failed)";
  first->message += "; nothing was written. Finished and partial downloads wait in " +
                    std::string(kImportDownloadDir) +
                    "/: run the same import again to resume them (or import without --download to keep the "
                    "media at its URL)";
  return first;
}

// Moves the downloads into media/ (a copy for every use of a file but the last).
std::optional<Error> place_media(const fs::path& root, const std::vector<PlannedMedia>& media,
                                 std::vector<Placed>* placed) {
  std::map<std::string, size_t> uses;
  for (const PlannedMedia& m : media) ++uses[m.staged];
  std::error_code ec;
  for (const PlannedMedia& m : media) {
    const fs::path from = root / m.staged;
    const fs::path to = root / m.target;
    fs::create_directories(to.parent_path(), ec);
    std::string why;
    if (--uses[m.staged] > 0) {
      if (fs::exists(to, ec)) {
        why = "it exists";
      } else if (!fs::copy_file(from, to, fs::copy_options::none, ec)) {
        why = ec.message();
      } else {
        placed->push_back({from, to, true});
        continue;
      }
    } else if (move_no_replace(from, to, &why)) {
      placed->push_back({from, to, false});
      continue;
    }
    undo(*placed);
    placed->clear();
    return Error{ErrorCode::kUnreadable, "cannot move the download " + m.staged + " here: " + why, m.target, 0, 0};
  }
  return std::nullopt;
}

}  // namespace

HttpOptions import_download_options() {
  HttpOptions o;
  o.timeout_s = 0;  // libcurl: no limit; low_speed_timeout_s still ends a stall
  o.retries = 5;
  return o;
}

Result<ImportReport> import_feed(const std::string& root, const FeedDocument& doc, const std::string& source,
                                 const ImportOptions& options) {
  if (!doc.channel) return Error{ErrorCode::kInvalidInput, "no RSS <channel> in this feed", source, 0, 0};
  ImportReport report;
  Show show = doc.show;
  if (show.locked && !options.force)
    return Error{ErrorCode::kInvalidInput,
                 "the feed says podcast:locked yes: its owner asked that it not be moved to another host. "
                 "If you are the owner, import it with --force (and unlock it at the old host)",
                 source, 0, 0};
  if (show.locked) {
    report.warnings.push_back(problem(source, nullptr, "importing a locked feed because of --force; "
                                                       "make sure you own it"));
  }
  if (slugify(options.name) != options.name && !options.name.empty())  // it becomes a path: feeds/<name>.toml
    return Error{ErrorCode::kInvalidInput, "--name must be lowercase letters, digits and dashes, like my-show",
                 "", 0, 0};
  if (trim(show.title).empty()) {
    // Build needs a title: one the feed suggests, never an empty one.
    const auto [title, from] = stand_in_title(doc, source, options.name);
    show.title = title;
    report.warnings.push_back(problem(source, doc.channel->child("", "title"),
                                      "the channel has no title; the feed file says title = \"" + title +
                                          "\" (from " + from + "): put the show's name there"));
  }
  const std::string name = options.name.empty() ? slugify(show.title) : options.name;
  show.name = name;
  std::vector<std::string> categories_as_given;
  show.categories = current_list(show.categories, source, doc, &categories_as_given, &report);
  show.persons = named_persons(show.persons, "the channel", source, doc.channel, &report);
  fit_channel_values(&show, source, doc, &report);
  show.base_url = options.base_url.empty() ? directory_of(show.feed_url) : options.base_url;
  if (show.base_url.empty()) show.base_url = "https://example.invalid/";
  if (options.base_url.empty())
    report.warnings.push_back(problem(source, nullptr, "base_url set to " + show.base_url +
                                                           "; change it in feeds/" + name +
                                                           ".toml to where you will publish"));
  // The feed keeps its URL (and so its podcast:guid) until the producer moves it.
  if (show.feed_url.empty() && (source.rfind("https://", 0) == 0 || source.rfind("http://", 0) == 0))
    show.feed_url = source;
  show.new_feed_url.clear();

  std::vector<std::pair<std::string, std::string>> files;  // path -> text
  std::vector<PlannedMedia> downloads;
  files.emplace_back("feeds/" + name + ".toml", format_feed(show, show.description_html, categories_as_given));
  std::set<std::string> taken;
  std::set<std::string> guids;
  std::vector<NewSidecar> sidecars;  // the items kept, in feed order
  std::vector<std::string> stems;    // their paths without .md
  for (size_t i = 0; i < show.episodes.size(); ++i) {
    const Episode& ep = show.episodes[i];
    const FeedElement* item = i < doc.items.size() ? doc.items[i] : nullptr;
    const std::string label = "item " + std::to_string(i + 1) + (ep.title.empty() ? "" : " (" + ep.title + ")");
    if (ep.enclosure.url.empty()) {
      report.warnings.push_back(problem(source, item, label + " has no enclosure; skipped (directories ignore it too)"));
      continue;
    }
    if (ep.enclosure.url.rfind("https://", 0) != 0 && ep.enclosure.url.rfind("http://", 0) != 0) {
      // A relative URL with nothing to resolve it against, ftp://, ...: no app fetches it.
      report.warnings.push_back(problem(source, item,
                                        label + " has an enclosure that is no http(s) URL (" + ep.enclosure.url +
                                            "); skipped (apps cannot fetch it either)"));
      continue;
    }
    if (item && item->children_named("", "enclosure").size() > 1)
      report.warnings.push_back(problem(source, item, label + " has several enclosures; kept the first"));
    NewSidecar s;
    s.title = ep.title;
    s.media = ep.enclosure.url;
    s.media_length = ep.enclosure.length_bytes;
    s.media_type = ep.enclosure.type.empty() ? "audio/mpeg" : ep.enclosure.type;
    s.duration_ms = ep.duration_ms;
    PlannedMedia media;
    if (options.download) {
      media.url = ep.enclosure.url;
      media.staged = std::string(kImportDownloadDir) + "/" + uuid_v5(kUrlNamespace, ep.enclosure.url) + "." +
                     media_extension(ep.enclosure.url, s.media_type);
      media.enclosure_length = ep.enclosure.length_bytes;
      media.label = label;
      media.item = item;
    }
    // Without a guid, Apple identifies an episode by its enclosure URL: keep that.
    s.guid = ep.guid.empty() ? ep.enclosure.url : ep.guid;
    if (!guids.insert(s.guid).second) {
      // Directories keep one episode per guid; a second one would make build fail.
      report.warnings.push_back(problem(source, item, label + " repeats the guid " + s.guid +
                                                          " of an earlier item; skipped (directories show only one)"));
      continue;
    }
    if (ep.guid.empty())
      report.warnings.push_back(problem(source, item, label + " has no guid; its enclosure URL is recorded as the guid"));
    s.date = ep.date;
    if (!s.date) {
      // Kept without one: a date cannot be invented. Its place in the feed is kept instead.
      const FeedElement* pub_date = item ? item->child("", "pubDate") : nullptr;
      if (pub_date && !trim(pub_date->text()).empty()) s.original_date = std::string(trim(pub_date->text()));
      report.warnings.push_back(problem(
          source, pub_date ? pub_date : item,
          label + (s.original_date.empty() ? " has no pubDate"
                                           : " has a pubDate podsmith cannot read (\"" + s.original_date + "\")") +
              "; imported without a date, in its place in the feed (a date is never invented)"));
    }
    s.imported = true;
    s.season = ep.season;
    s.episode = ep.episode;
    s.episode_type = ep.episode_type;
    s.explicit_content = ep.explicit_content;
    s.subtitle = ep.subtitle;
    s.author = ep.author == show.author ? "" : ep.author;
    s.link = ep.link;
    s.image = ep.image;
    s.chapters = ep.chapters_url;
    s.transcripts = typed_transcripts(ep.transcripts, label, source, item, &report);
    s.persons = named_persons(ep.persons, label, source, item, &report);
    s.block = ep.block;
    s.keywords = ep.keywords;
    s.notes_are_html = true;
    s.notes = ep.notes_html.empty() ? ep.summary_html : ep.notes_html;
    const std::string stem = sidecar_stem(ep, i, &taken);
    if (options.download) {
      // Beside its sidecar and named after it; the probe measures it at build.
      const std::string ext = media.staged.substr(media.staged.rfind('.') + 1);
      media.target = stem + "." + ext;
      s.media = media.target.substr(media.target.rfind('/') + 1);
      s.media_length = 0;
      s.media_type.clear();
      s.duration_ms = 0;
      downloads.push_back(std::move(media));
    }
    sidecars.push_back(std::move(s));
    stems.push_back(stem);
    ++report.episodes;
  }
  // An item without a date keeps its place by a neighbour's guid, which never
  // changes: the item before it; those above the first dated item, the item after
  // them. Each chain so ends at a dated item (or, in a feed without dates, at the
  // last item, which names none and goes last).
  const size_t first_dated = static_cast<size_t>(
      std::find_if(sidecars.begin(), sidecars.end(), [](const NewSidecar& n) { return n.date.has_value(); }) -
      sidecars.begin());
  for (size_t k = 0; k < sidecars.size(); ++k) {
    if (sidecars[k].date) continue;
    if (k > first_dated) {
      sidecars[k].after = sidecars[k - 1].guid;
    } else if (k + 1 < sidecars.size()) {
      sidecars[k].before = sidecars[k + 1].guid;
    }
  }
  for (size_t k = 0; k < sidecars.size(); ++k) files.emplace_back(stems[k] + ".md", format_sidecar(sidecars[k]));
  // Whatever import writes, build must read: a file it would refuse fails the import
  // now, naming the problem, rather than a build later.
  for (const auto& file : files) {
    // Named references, not a structured binding: clang before 16 cannot capture
    // one in the lambda below, and scripts/fuzz builds with Debian's clang 14.
    const std::string& path = file.first;
    const std::string& text = file.second;
    auto refused = [&]() -> std::optional<Error> {
      if (path.rfind("feeds/", 0) == 0) {
        auto feed = parse_feed(text, path);
        if (!feed) return feed.error();
      } else if (auto sidecar = parse_sidecar(text, path); !sidecar) {
        return sidecar.error();
      }
      return std::nullopt;
    }();
    if (refused)
      return Error{ErrorCode::kInvalidInput,
                   "import would write a file that build refuses (" + refused->to_string() +
                       "), so it wrote nothing. This is a bug of podsmith import: please report it, with the feed",
                   source, 0, 0};
  }

  // Never overwrite: check everything before writing (or downloading) anything.
  const fs::path base(root);
  auto check_targets = [&]() -> std::optional<Error> {
    std::error_code ec;
    for (const auto& [path, text] : files) {
      if (fs::exists(base / path, ec))
        return Error{ErrorCode::kInvalidInput, "already exists; podsmith import never overwrites (use --name)",
                     path, 0, 0};
    }
    for (const PlannedMedia& m : downloads) {
      if (fs::exists(base / m.target, ec))
        return Error{ErrorCode::kInvalidInput, "already exists; podsmith import never overwrites", m.target, 0, 0};
    }
    return std::nullopt;
  };
  if (auto exists = check_targets()) return *exists;
  std::vector<Placed> placed;
  if (!downloads.empty()) {
    if (auto failed = download_all(base, downloads, source, options, &report)) return *failed;
    report.downloaded = downloads.size();
    // A file may have appeared during the downloads; they wait for the next run.
    if (auto exists = check_targets()) return *exists;
    // Media first: a sidecar is written only once its media is in place.
    if (auto failed = place_media(base, downloads, &placed)) return *failed;
    for (const Placed& p : placed) report.written.push_back(p.to.lexically_relative(base).generic_string());
  }
  for (const auto& [path, text] : files) {
    auto written = write_file_atomically((base / path).string(), text);
    if (!written) {
      std::error_code ec;
      for (const std::string& done : report.written) {
        if (std::none_of(placed.begin(), placed.end(), [&](const Placed& p) { return p.to == base / done; }))
          fs::remove(base / done, ec);
      }
      undo(placed);
      return written.error();
    }
    report.written.push_back(path);
  }
  if (!downloads.empty()) {
    // Gone when nothing else waits there (the downloads of another feed may).
    std::error_code ec;
    const fs::path dir = base / kImportDownloadDir;
    bool other = false;
    for (const auto& e : fs::directory_iterator(dir, ec)) other = other || e.path().filename() != ".gitignore";
    if (!other) {
      fs::remove_all(dir, ec);
      fs::remove(dir.parent_path(), ec);  // .podsmith/ too, when nothing else (a probe cache) is there
    }
  }
  std::error_code ec;
  fs::create_directories(fs::path(root) / "media", ec);
  if (!fs::exists(fs::path(root) / ".gitignore", ec)) {
    if (write_file_atomically((fs::path(root) / ".gitignore").string(), "# podsmith's probe cache\n.podsmith/\n"))
      report.written.push_back(".gitignore");
  }
  return report;
}

}  // namespace podsmith
