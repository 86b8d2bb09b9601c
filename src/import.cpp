#include "podsmith/import.h"

#include <filesystem>
#include <set>

#include "podsmith/dates.h"
#include "podsmith/file_io.h"
#include "podsmith/scaffold.h"
#include "podsmith/workspace.h"

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

std::string sidecar_name(const Episode& ep, size_t index, std::set<std::string>* taken) {
  const CivilTime c = to_civil(ep.date);
  char date[16];
  std::snprintf(date, sizeof date, "%04lld-%02d-%02d", static_cast<long long>(c.year), c.month, c.day);
  std::string slug = slugify(ep.title.empty() ? "episode-" + std::to_string(index + 1) : ep.title);
  if (slug.size() > 60) slug.resize(60);
  std::string name = std::string(date) + "-" + slug;
  std::string candidate = name;
  for (int n = 2; !taken->insert(candidate).second; ++n) candidate = name + "-" + std::to_string(n);
  return "media/" + candidate + ".md";
}

Error problem(const std::string& source, const FeedElement* at, std::string message) {
  return Error{ErrorCode::kInvalidInput, std::move(message), source, at ? at->at.line : 0, at ? at->at.column : 0};
}

}  // namespace

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
  const std::string name = options.name.empty() ? slugify(show.title) : options.name;
  show.name = name;
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
  files.emplace_back("feeds/" + name + ".toml", format_feed(show, show.description_html));
  std::set<std::string> taken;
  std::set<std::string> guids;
  for (size_t i = 0; i < show.episodes.size(); ++i) {
    const Episode& ep = show.episodes[i];
    const FeedElement* item = i < doc.items.size() ? doc.items[i] : nullptr;
    const std::string label = "item " + std::to_string(i + 1) + (ep.title.empty() ? "" : " (" + ep.title + ")");
    if (ep.enclosure.url.empty()) {
      report.warnings.push_back(problem(source, item, label + " has no enclosure; skipped (directories ignore it too)"));
      continue;
    }
    if (item && item->children_named("", "enclosure").size() > 1)
      report.warnings.push_back(problem(source, item, label + " has several enclosures; kept the first"));
    const FeedElement* pub_date = item ? item->child("", "pubDate") : nullptr;
    if (!pub_date || !parse_rfc822(pub_date->text)) {
      report.warnings.push_back(problem(source, pub_date ? pub_date : item,
                                        label + " has no pubDate podsmith can read; skipped (a date cannot be invented)"));
      continue;
    }
    NewSidecar s;
    s.title = ep.title;
    s.media = ep.enclosure.url;
    s.media_length = ep.enclosure.length_bytes;
    s.media_type = ep.enclosure.type.empty() ? "audio/mpeg" : ep.enclosure.type;
    s.duration_ms = ep.duration_ms;
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
    s.season = ep.season;
    s.episode = ep.episode;
    s.episode_type = ep.episode_type;
    s.explicit_content = ep.explicit_content;
    s.subtitle = ep.subtitle;
    s.author = ep.author == show.author ? "" : ep.author;
    s.link = ep.link;
    s.image = ep.image;
    s.chapters = ep.chapters_url;
    s.transcripts = ep.transcripts;
    s.persons = ep.persons;
    s.block = ep.block;
    s.keywords = ep.keywords;
    s.notes_are_html = true;
    s.notes = ep.notes_html.empty() ? ep.summary_html : ep.notes_html;
    files.emplace_back(sidecar_name(ep, i, &taken), format_sidecar(s));
    ++report.episodes;
  }

  // Never overwrite: check everything before writing anything.
  for (const auto& [path, text] : files) {
    std::error_code ec;
    if (fs::exists(fs::path(root) / path, ec))
      return Error{ErrorCode::kInvalidInput, "already exists; podsmith import never overwrites (use --name)",
                   path, 0, 0};
  }
  for (const auto& [path, text] : files) {
    auto written = write_file_atomically((fs::path(root) / path).string(), text);
    if (!written) {
      for (const std::string& done : report.written) fs::remove(fs::path(root) / done);
      return written.error();
    }
    report.written.push_back(path);
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
