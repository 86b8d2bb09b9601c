#include "podsmith/workspace/scaffold.h"

#include <ctime>
#include <filesystem>

#include "podsmith/base/file_io.h"
#include "podsmith/base/ids.h"
#include "podsmith/media/media_probe.h"
#include "podsmith/base/text.h"
#include "podsmith/workspace/workspace.h"

namespace podsmith {
namespace fs = std::filesystem;
namespace {

Timestamp now_with_local_offset() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  return Timestamp{static_cast<int64_t>(now), static_cast<int>(local.tm_gmtoff / 60)};
}

bool inside(const fs::path& root, const fs::path& p) {
  const std::string r = fs::weakly_canonical(root).generic_string() + "/";
  return fs::weakly_canonical(p).generic_string().rfind(r, 0) == 0;
}

}  // namespace

std::string slugify(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "podcast" : out;
}

Result<std::vector<std::string>> init_workspace(const std::string& dir, const InitOptions& o) {
  if (trim(o.title).empty()) return Error{ErrorCode::kInvalidInput, "--title is required", "", 0, 0};
  if (o.base_url.rfind("https://", 0) != 0 && o.base_url.rfind("http://", 0) != 0)
    return Error{ErrorCode::kInvalidInput, "--base-url must be an http or https URL, like https://example.org/podcast/",
                 "", 0, 0};
  const std::string name = o.name.empty() ? slugify(o.title) : o.name;
  if (slugify(name) != name)
    return Error{ErrorCode::kInvalidInput, "--name must be lowercase letters, digits and dashes", "", 0, 0};
  const fs::path root(dir);
  const std::string feed_file = "feeds/" + name + ".toml";
  std::error_code ec;
  if (fs::exists(root / feed_file, ec))
    return Error{ErrorCode::kInvalidInput, "already exists; podsmith init never overwrites", (root / feed_file).string(), 0, 0};

  Show show;
  show.title = o.title;
  show.language = o.language;
  show.author = o.author;
  show.owner_name = o.author;
  show.owner_email = o.email;
  show.base_url = o.base_url;
  show.explicit_content = false;
  show.categories = {Category{"Technology", {}}};
  const std::string toml = "# The feed \"" + name + "\": every key is in podsmith's README.\n" +
                           format_feed(show, "What the show is about, in Markdown.") +
                           "\n# The show's website, written to site/ by podsmith build and published at base_url\n"
                           "# (docs/site-theme.md). Links to the show in directories go here, like\n"
                           "# apple_podcasts = \"https://podcasts.apple.com/...\"; enabled = false turns it off.\n"
                           "[site]\n";
  std::vector<std::string> created;
  auto written = write_file_atomically((root / feed_file).string(), toml);
  if (!written) return written.error();
  created.push_back(feed_file);
  if (!fs::exists(root / "media", ec)) {
    fs::create_directories(root / "media", ec);
    if (ec) return Error{ErrorCode::kUnreadable, "cannot create: " + ec.message(), (root / "media").string(), 0, 0};
    created.push_back("media/");
  }
  if (!fs::exists(root / ".gitignore", ec)) {
    auto ignore = write_file_atomically((root / ".gitignore").string(), "# podsmith's probe cache\n.podsmith/\n");
    if (!ignore) return ignore.error();
    created.push_back(".gitignore");
  }
  return created;
}

Result<std::vector<AddedEpisode>> add_episodes(const std::string& root_dir, const std::vector<std::string>& media,
                                               const AddOptions& o) {
  const fs::path root(root_dir);
  LoadedWorkspace loaded = load_workspace(root_dir);
  const Workspace& ws = loaded.workspace;
  if (ws.feeds.empty()) {
    return loaded.errors.empty() ? Error{ErrorCode::kNotFound, "no feeds/*.toml: run podsmith init first", root_dir, 0, 0}
                                 : loaded.errors.front();
  }
  const FeedSource* feed = nullptr;
  for (const FeedSource& f : ws.feeds)
    if (f.show.name == o.feed || (o.feed.empty() && ws.feeds.size() == 1)) feed = &f;
  if (!feed)
    return Error{ErrorCode::kInvalidInput,
                 o.feed.empty() ? "the workspace has several feeds; say which with --feed NAME"
                                : "no feed named '" + o.feed + "'",
                 "", 0, 0};
  if (media.size() > 1 && !o.title.empty())
    return Error{ErrorCode::kInvalidInput, "--title names one episode; add the files one at a time", "", 0, 0};

  int next_episode = 0;
  for (const EpisodeSource& src : ws.episodes)
    if (matches_any_pattern(feed->episode_patterns, src.file) && src.episode.episode)
      next_episode = std::max(next_episode, *src.episode.episode);

  std::vector<AddedEpisode> added;
  for (const std::string& given : media) {
    auto info = probe(given);
    if (!info) return info.error();
    fs::path source = fs::absolute(given).lexically_normal();
    fs::path target = source;
    AddedEpisode out;
    if (!inside(root / "media", source)) {
      target = fs::absolute(root / "media" / (o.master ? "masters" : "") / source.filename()).lexically_normal();
      if (fs::exists(target))
        return Error{ErrorCode::kInvalidInput, "already exists; podsmith add never overwrites", target.string(), 0, 0};
      std::error_code ec;
      fs::create_directories(target.parent_path(), ec);
      const fs::path temp = target.parent_path() / ("." + target.filename().string() + ".tmp");
      fs::copy_file(source, temp, fs::copy_options::overwrite_existing, ec);
      if (!ec) fs::rename(temp, target, ec);
      if (ec) {
        fs::remove(temp);
        return Error{ErrorCode::kUnreadable, "cannot copy into media/: " + ec.message(), given, 0, 0};
      }
      out.copied = true;
    }
    // A master's sidecar sits in media/ (not beside the master under masters/), and
    // names the file build makes.
    const fs::path sidecar =
        o.master && inside(root / "media" / "masters", target)
            ? fs::absolute(root / "media" / (target.stem().string() + ".md")).lexically_normal()
            : target.parent_path() / (target.stem().string() + ".md");
    if (o.master && !info->has_video && info->duration_ms <= 0)
      return Error{ErrorCode::kInvalidInput, "the master holds no audio", given, 0, 0};
    if (fs::exists(sidecar))
      return Error{ErrorCode::kInvalidInput, "already exists; podsmith add never overwrites a sidecar",
                   fs::relative(sidecar, root).generic_string(), 0, 0};

    NewSidecar s;
    s.title = !o.title.empty() ? o.title : !info->tags.title.empty() ? info->tags.title : target.stem().string();
    s.guid = uuid_v4();
    s.date = o.date ? *o.date : now_with_local_offset();
    s.season = o.season;
    s.episode = o.episode ? std::optional<int>(*o.episode + static_cast<int>(added.size())) : std::optional<int>(++next_episode);
    s.episode_type = o.episode_type;
    s.notes = o.notes_markdown;
    if (o.master) {
      const EncodeFormat format = feed->encode ? feed->encode->format : EncodeFormat::kMp3;
      s.master = fs::relative(target, sidecar.parent_path()).generic_string();
      s.media = target.stem().string() + encode_format_extension(format);
      if (fs::exists(sidecar.parent_path() / s.media))
        return Error{ErrorCode::kInvalidInput, "already exists; build would make it from the master",
                     fs::relative(sidecar.parent_path() / s.media, root).generic_string(), 0, 0};
    }
    auto written = write_file_atomically(sidecar.string(), format_sidecar(s));
    if (!written) return written.error();
    out.sidecar = fs::relative(sidecar, root).generic_string();
    out.media = o.master ? fs::relative(sidecar.parent_path() / s.media, root).generic_string()
                         : fs::relative(target, root).generic_string();
    out.guid = s.guid;
    out.date = *s.date;
    out.episode = s.episode;
    added.push_back(std::move(out));
  }
  return added;
}

}  // namespace podsmith
