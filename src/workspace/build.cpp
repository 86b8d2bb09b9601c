#include "podsmith/workspace/build.h"
#include "podsmith/workspace/encode_masters.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "base/parallel.h"
#include "podsmith/feed/categories.h"
#include "podsmith/workspace/chapters.h"
#include "podsmith/base/ids.h"
#include "podsmith/media/media_probe.h"
#include "podsmith/feed/notes.h"
#include "podsmith/media/probe_cache.h"
#include "podsmith/feed/rss_writer.h"
#include "podsmith/site/site.h"
#include "podsmith/base/text.h"
#include "podsmith/workspace/transcripts.h"
#include "podsmith/workspace/workspace.h"

namespace podsmith {
namespace fs = std::filesystem;
namespace {

constexpr const char* kCacheFile = ".podsmith/probe-cache.json";
constexpr const char* kStampFile = ".podsmith/build-stamp";

// What the last successful build saw: every file under feeds/ and media/ (inputs
// and outputs) by path, size and mtime, with the feed filter and podsmith's
// version. Equal stamps mean a rebuild would write the same bytes. One line a file:
// "path\tsize\tmtime_ns", path workspace-relative, in list_workspace_files' order.
std::string stamp_line(const ListedFile& f) {
  return f.path + '\t' + std::to_string(f.size_bytes) + '\t' + std::to_string(f.mtime_ns);
}

std::string workspace_stamp(const std::vector<ListedFile>& files, const BuildOptions& options) {
  std::string stamp = std::string("podsmith ") + PODSMITH_VERSION + "\nfeed " + options.feed + "\n";
  for (const ListedFile& f : files) stamp += stamp_line(f) + '\n';
  return stamp;
}

// root/relative, as std::filesystem's operator/ joins a relative path, without
// splitting either into a path object.
std::string join(const std::string& root, const std::string& relative) {
  if (root.empty()) return relative;
  return root.back() == '/' ? root + relative : root + '/' + relative;
}

// The episode's name for files derived from it: its media path under media/,
// without the extension ("media/2006/ep1.mp3" -> "2006/ep1").
std::string output_stem(const std::string& media) {
  fs::path p(media);
  std::string stem = (p.parent_path() / p.stem()).generic_string();
  if (stem.rfind("media/", 0) == 0) stem = stem.substr(6);
  return stem;
}

std::string image_extension(const std::string& mime) {
  if (mime == "image/png") return ".png";
  if (mime == "image/gif") return ".gif";
  if (mime == "image/bmp") return ".bmp";
  return ".jpg";
}

std::string file_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// Probes every media file the workspace names, through the cache. `listing` (sorted
// by path) gives the size and mtime of the files under media/.
std::map<std::string, MediaInfo> probe_media(const std::string& root, const Workspace& ws,
                                             const std::vector<ListedFile>& listing, const BuildOptions& options,
                                             ProbeCache* cache, BuildReport* report) {
  std::vector<std::string> files;  // each once, in sidecar order
  std::set<std::string> seen;
  for (const EpisodeSource& src : ws.episodes)
    if (!src.remote_media && seen.insert(src.episode.media).second) files.push_back(src.episode.media);
  // Size and mtime say whether the cached result holds: the listing's, else
  // (a file outside media/) a stat().
  struct Stamp {
    bool found = false;
    int64_t size = 0;
    int64_t mtime_ns = 0;
  };
  std::vector<Stamp> stamps(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    const auto listed = std::lower_bound(listing.begin(), listing.end(), files[i],
                                         [](const ListedFile& f, const std::string& path) { return f.path < path; });
    if (listed != listing.end() && listed->path == files[i]) {
      stamps[i] = Stamp{true, listed->size_bytes, listed->mtime_ns};
      continue;
    }
    struct stat st {};
    if (::stat(join(root, files[i]).c_str(), &st) != 0) continue;  // gone since load_workspace saw it: left out
    stamps[i] = Stamp{true, st.st_size, int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec};
  }
  std::map<std::string, MediaInfo> out;
  std::vector<size_t> to_probe;  // indices in files
  for (size_t i = 0; i < files.size(); ++i) {
    if (!stamps[i].found) continue;
    if (auto cached = cache->find(files[i], stamps[i].size, stamps[i].mtime_ns)) {
      out[files[i]] = std::move(*cached);
    } else {
      to_probe.push_back(i);
    }
  }
  std::vector<std::string> paths;
  for (const size_t i : to_probe) paths.push_back(join(root, files[i]));
  probe_each(
      paths,
      [&](size_t k, Result<MediaInfo> result) {
        const size_t i = to_probe[k];
        const std::string& media = files[i];
        if (!result) {
          Error e = result.error();
          e.file = media;
          report->errors.push_back(std::move(e));
          return;
        }
        result->path = media;
        cache->store(media, stamps[i].size, stamps[i].mtime_ns, *result);
        out[media] = std::move(*result);
      },
      ProbeOptions{}, options.jobs);
  report->probed = to_probe.size();
  return out;
}

// Everything one build writes, before it is written.
using Outputs = std::map<std::string, std::string>;  // workspace-relative path -> bytes

class FeedBuilder {
 public:
  FeedBuilder(const std::string& root, const FeedSource& feed, const std::map<std::string, MediaInfo>& media,
              unsigned jobs, Outputs* outputs, BuildReport* report)
      : root_(root), feed_(feed), media_(media), jobs_(jobs), outputs_(outputs), report_(report) {}

  Show build(const std::vector<const EpisodeSource*>& sources) {
    Show show = feed_.show;
    prepare_channel(show);
    // An episode is built from its own files alone (rendering its notes is most
    // of the work): all at once, each into its own slot, then taken in order so
    // errors and outputs are the same at any number of threads.
    std::vector<Built> built(sources.size());
    parallel_for(sources.size(), jobs_, [&](size_t i) { build_source(*sources[i], &built[i]); });
    std::map<std::string, std::string> guids;  // guid -> sidecar
    std::vector<Episode> episodes;
    std::vector<const EpisodeSource*> kept;  // the source of each of `episodes`
    episodes.reserve(sources.size());
    for (size_t i = 0; i < sources.size(); ++i) {
      Built& b = built[i];
      for (Error& e : b.errors) report_->errors.push_back(std::move(e));
      for (auto& [path, bytes] : b.outputs) (*outputs_)[path] = std::move(bytes);
      if (!b.episode) continue;
      Episode& ep = *b.episode;
      const auto [other, fresh] = guids.emplace(ep.guid, sources[i]->file);
      if (!fresh) {
        fail(sources[i]->file, "guid '" + ep.guid + "' is also the guid of " + other->second + " in feed " +
                                   show.name + "; every episode needs its own");
        continue;
      }
      episodes.push_back(std::move(ep));
      kept.push_back(sources[i]);
    }
    const std::vector<size_t> order = feed_order(episodes, kept, show.name);
    show.episodes.reserve(order.size());
    for (const size_t i : order) show.episodes.push_back(std::move(episodes[i]));
    if (show.type == "serial") {
      // Apple asks a serial show to number its episodes. A number is never invented for
      // an imported one whose old feed had none: that stays a warning, so that what
      // import accepted, build builds.
      for (size_t k = 0; k < order.size(); ++k) {
        const Episode& e = show.episodes[k];
        if (e.episode || !(e.episode_type.empty() || e.episode_type == "full")) continue;
        const std::string message = "the show is serial, so every full episode needs an episode number (episode = N)";
        if (kept[order[k]]->imported) {
          warn(e.sidecar, message + "; it was imported without one, and podsmith never invents one");
        } else {
          fail(e.sidecar, message);
        }
      }
    }
    return show;
  }

 private:
  // What one episode makes: itself (none when its media could not be probed),
  // its problems, and the files it adds under feeds/<name>/.
  struct Built {
    std::optional<Episode> episode;
    std::vector<Error> errors;
    std::vector<std::pair<std::string, std::string>> outputs;

    void fail(const std::string& file, std::string message) {
      errors.push_back(Error{ErrorCode::kInvalidInput, std::move(message), file, 0, 0});
    }
  };

  void fail(const std::string& file, std::string message) {
    report_->errors.push_back(Error{ErrorCode::kInvalidInput, std::move(message), file, 0, 0});
  }
  void warn(const std::string& file, std::string message) {
    report_->warnings.push_back(Error{ErrorCode::kInvalidInput, std::move(message), file, 0, 0});
  }

  // The order of the feed's items, as indices into `episodes`: newest first, equal
  // dates in guid order so the result never depends on file order. An episode
  // without a date (imported so) goes right after, or before, the episode its
  // sidecar names, as it stood in the feed it came from; one whose neighbour is not
  // in this feed goes last, with a warning.
  std::vector<size_t> feed_order(const std::vector<Episode>& episodes, const std::vector<const EpisodeSource*>& sources,
                                 const std::string& feed_name) {
    std::vector<size_t> order, undated;
    for (size_t i = 0; i < episodes.size(); ++i) (episodes[i].date ? order : undated).push_back(i);
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
      const Episode& a = episodes[x];
      const Episode& b = episodes[y];
      if (a.date->unix_seconds != b.date->unix_seconds) return a.date->unix_seconds > b.date->unix_seconds;
      return a.guid < b.guid;
    });
    std::sort(undated.begin(), undated.end(), [&](size_t x, size_t y) { return episodes[x].guid < episodes[y].guid; });
    // One that names no neighbour (the last item of a feed without dates) goes last.
    for (auto it = undated.begin(); it != undated.end();) {
      if (sources[*it]->after.empty() && sources[*it]->before.empty()) {
        order.push_back(*it);
        it = undated.erase(it);
      } else {
        ++it;
      }
    }
    // Each pass places those whose neighbour is placed: a run of undated items
    // (each naming the one before it) falls into place one pass at a time.
    for (bool placed = true; placed && !undated.empty();) {
      placed = false;
      for (auto it = undated.begin(); it != undated.end();) {
        const EpisodeSource& src = *sources[*it];
        const std::string& neighbour = src.after.empty() ? src.before : src.after;
        const auto at =
            std::find_if(order.begin(), order.end(), [&](size_t k) { return episodes[k].guid == neighbour; });
        if (at == order.end()) {
          ++it;
          continue;
        }
        order.insert(src.after.empty() ? at : at + 1, *it);
        it = undated.erase(it);
        placed = true;
      }
    }
    for (const size_t i : undated) {
      const EpisodeSource& src = *sources[i];
      warn(src.file, std::string("the episode has no date, and the episode it is placed ") +
                           (src.after.empty() ? "before" : "after") + " (guid '" +
                           (src.after.empty() ? src.before : src.after) + "') is not one of feed " + feed_name +
                           "; it is written last");
      order.push_back(i);
    }
    return order;
  }

  std::string feed_dir() const { return "feeds/" + feed_.show.name + "/"; }
  std::string public_url(const std::string& path) const { return url_for_path(feed_.show.base_url, path); }

  void prepare_channel(Show& s) {
    auto description = render_notes(s.description_text);
    if (description) {
      s.description_html = description->html;
      s.description_text = description->text;
    } else {
      fail(feed_.file, "description: " + description.error().message);
    }
    if (!feed_.image_file.empty()) s.image = public_url(feed_.image_file);
    // RSS 2.0 requires the channel's link (the show's website); where the feed
    // names none, the site it is published on is the best there is.
    if (s.link.empty()) s.link = s.base_url;
    for (const Category& c : s.categories) {
      const std::string problem = explain_category(c.name, c.subcategory);
      if (!problem.empty()) fail(feed_.file, "categories: " + problem);
    }
    if (!s.language.empty() && !is_language_code(s.language))
      fail(feed_.file, "language '" + s.language + "' is not a language code like en or en-us");
    if (s.podcast_guid.empty()) {
      s.podcast_guid = podcast_guid_for_url(s.feed_url);
    } else if (!is_uuid(s.podcast_guid)) {
      // Written as given: like an item's guid, the show's never changes once
      // published (the Podcast Index knows the show by it), whatever its form.
      warn(feed_.file, "guid '" + s.podcast_guid +
                           "' is not a UUID, as the podcast namespace asks; it is written as it is. In a new feed, "
                           "leave guid out to derive it from the feed URL");
    }
  }

  // Runs on any thread: reads only what it is given, writes only *out.
  void build_source(const EpisodeSource& src, Built* out) const {
    MediaInfo remote;
    const MediaInfo* info = &remote;
    if (src.remote_media) {
      // What the old feed said about the enclosure is all there is to know.
      remote.size_bytes = src.episode.enclosure.length_bytes;
      remote.mime_type = src.episode.enclosure.type;
      remote.duration_ms = src.episode.duration_ms;
    } else {
      const auto it = media_.find(src.episode.media);
      if (it == media_.end()) return;  // its probe failed: already an error
      info = &it->second;
    }
    out->episode = build_episode(src, *info, out);
  }

  Episode build_episode(const EpisodeSource& src, const MediaInfo& info, Built* out) const {
    Episode ep = src.episode;
    const Tags& tags = info.tags;
    // The sidecar wins over the tags; the tags over the file name.
    if (ep.title.empty()) ep.title = tags.title;
    if (ep.title.empty()) ep.title = fs::path(src.remote_media ? src.file : ep.media).stem().string();
    if (ep.subtitle.empty()) ep.subtitle = tags.subtitle;
    if (ep.author.empty()) ep.author = feed_.show.author;
    if (!src.remote_media) ep.enclosure = Enclosure{public_url(ep.media), info.size_bytes, info.mime_type};
    ep.duration_ms = info.duration_ms;

    if (src.notes_are_html) {
      // Imported notes go out as they came in.
      ep.notes_html = src.notes_markdown;
      ep.summary_html = src.notes_markdown.size() <= kAppleDescriptionMaxBytes
                            ? src.notes_markdown
                            : cut_html(sanitize_html(src.notes_markdown), kAppleDescriptionMaxBytes);
      ep.summary_text = html_to_text(src.notes_markdown);
      add_remote_or_local_extras(src, info, ep, out);
      return ep;
    }
    auto notes = render_notes(src.notes_markdown);
    if (notes) {
      ep.notes_html = std::move(notes->html);
      // Whole when it fits: as before, also for the raw HTML nested so deep that
      // cut_html() would read it back as nothing.
      ep.summary_html = ep.notes_html.size() <= kAppleDescriptionMaxBytes ? ep.notes_html
                                                                           : std::move(notes->summary_html);
      ep.summary_text = std::move(notes->text);
    } else {
      out->fail(src.file, notes.error().message);
    }
    if (ep.summary_html.empty() && !tags.description.empty()) ep.summary_html = sanitize_html(tags.description);
    add_remote_or_local_extras(src, info, ep, out);
    return ep;
  }

  void add_remote_or_local_extras(const EpisodeSource& src, const MediaInfo& info, Episode& ep, Built* out) const {
    const std::string stem = output_stem(src.remote_media ? src.file : ep.media);
    add_artwork(src, info, stem, ep, out);
    add_chapters(src, info, stem, ep, out);
    add_transcripts(src, stem, ep, out);
  }

  void add_artwork(const EpisodeSource& src, const MediaInfo& info, const std::string& stem, Episode& ep,
                   Built* out) const {
    if (!ep.image.empty()) return;  // a URL in the sidecar
    if (!src.image_file.empty()) {
      ep.image = public_url(src.image_file);
      return;
    }
    if (info.artwork.empty()) return;
    auto art = read_cover_art(join(root_, ep.media));
    if (!art) {
      out->fail(ep.media, art.error().message);
      return;
    }
    if (!*art) return;
    const std::string path = feed_dir() + "art/" + stem + image_extension((*art)->mime_type);
    out->outputs.emplace_back(path, std::move((*art)->bytes));
    ep.image = public_url(path);
  }

  void add_chapters(const EpisodeSource& src, const MediaInfo& info, const std::string& stem, Episode& ep,
                    Built* out) const {
    if (!ep.chapters_url.empty()) return;  // published elsewhere
    std::vector<Chapter> chapters = info.chapters;
    if (!src.chapters_file.empty()) {
      auto text = read_file(join(root_, src.chapters_file));
      if (!text) {
        out->fail(src.chapters_file, text.error().message);
        return;
      }
      auto parsed = file_extension(src.chapters_file) == ".json" ? parse_chapters_json(*text, src.chapters_file)
                                                                 : parse_chapters_txt(*text, src.chapters_file);
      if (!parsed) {
        out->errors.push_back(parsed.error());
        return;
      }
      chapters = std::move(*parsed);
    }
    if (chapters.empty()) return;
    for (size_t i = 0; i < chapters.size(); ++i) {
      Chapter& c = chapters[i];
      if (c.end_ms <= c.start_ms) c.end_ms = i + 1 < chapters.size() ? chapters[i + 1].start_ms : info.duration_ms;
      if (c.start_ms > info.duration_ms)
        out->fail(src.chapters_file.empty() ? ep.media : src.chapters_file,
                  "chapter '" + c.title + "' starts after the end of the episode");
    }
    const std::string path = feed_dir() + "chapters/" + stem + ".json";
    out->outputs.emplace_back(path, write_chapters_json(chapters));
    ep.chapters = std::move(chapters);
    ep.chapters_url = public_url(path);
  }

  void add_transcripts(const EpisodeSource& src, const std::string& stem, Episode& ep, Built* out) const {
    ep.transcripts.clear();
    for (Transcript t : src.transcripts) {
      if (t.type.empty()) t.type = transcript_type_for(t.source.empty() ? t.url : t.source);
      if (t.type.empty()) {
        out->fail(src.file, "cannot tell the type of transcript " + (t.source.empty() ? t.url : t.source) +
                                "; set type = \"text/vtt\" (or application/x-subrip, ...)");
        continue;
      }
      if (!t.source.empty()) {
        auto content = read_file(join(root_, t.source));
        if (!content) {
          out->fail(t.source, content.error().message);
          continue;
        }
        if (auto problem = check_transcript(*content, t.type, t.source)) {
          out->errors.push_back(*problem);
          continue;
        }
        const std::string path = feed_dir() + "transcripts/" + stem + file_extension(t.source);
        out->outputs.emplace_back(path, std::move(*content));
        t.url = public_url(path);
      }
      if (t.language.empty()) t.language = feed_.show.language;
      ep.transcripts.push_back(std::move(t));
    }
  }

  const std::string& root_;
  const FeedSource& feed_;
  const std::map<std::string, MediaInfo>& media_;
  unsigned jobs_;
  Outputs* outputs_;
  BuildReport* report_;
};

// The show's website (site/): made by the one feed whose file has a [site] table
// that is not turned off, from that feed as built, with the files built beside it
// (`named`: the transcripts it shows) and the workspace's theme/ folder. Nothing
// when that feed is not among those built. Problems go to report->errors.
Outputs build_site_outputs(const std::string& root, const Workspace& ws, const std::vector<const FeedSource*>& feeds,
                           const std::vector<Show>& shows, const Outputs& named, BuildReport* report) {
  const FeedSource* owner = nullptr;
  for (const FeedSource& f : ws.feeds) {
    if (!f.site || !f.site->enabled) continue;
    if (owner) {
      report->errors.push_back(Error{ErrorCode::kInvalidInput,
                                     "the site (site/) is also made by " + owner->file +
                                         "; a workspace has one site: set enabled = false under [site] in one of them",
                                     f.file, 0, 0});
      return {};
    }
    owner = &f;
  }
  const auto built = std::find(feeds.begin(), feeds.end(), owner);
  if (!owner || built == feeds.end()) return {};
  SiteInput in;
  in.show = &shows[static_cast<size_t>(built - feeds.begin())];
  in.feed_file = owner->file;
  in.settings = *owner->site;
  for (const EpisodeSource& src : ws.episodes)
    if (!src.slug.empty()) in.slugs[src.file] = src.slug;
  for (const FeedSource& f : ws.feeds) {
    if (&f == owner) continue;
    const auto& names = owner->site->alternates;
    if (owner->site->alternates_given && std::find(names.begin(), names.end(), f.show.name) == names.end()) continue;
    in.alternates.push_back(FeedLink{f.show.title, f.show.feed_url, f.show.medium});
  }
  for (const std::string& name : owner->site->alternates) {
    if (std::none_of(ws.feeds.begin(), ws.feeds.end(), [&](const FeedSource& f) { return f.show.name == name; }))
      report->errors.push_back(Error{ErrorCode::kNotFound, "site: alternates names feed '" + name +
                                                               "', but there is no feeds/" + name + ".toml",
                                     owner->file, 0, 0});
  }
  in.files = &named;
  for (const ListedFile& f : list_workspace_files(root, {"theme"})) {
    auto bytes = read_listed_file(join(root, f.path), f.size_bytes);
    if (!bytes) {
      Error e = bytes.error();
      e.file = f.path;
      report->errors.push_back(std::move(e));
      continue;
    }
    in.theme[f.path.substr(6)] = std::move(*bytes);
  }
  if (!report->errors.empty()) return {};
  SiteOutput site = build_site(in);
  for (Error& e : site.errors) report->errors.push_back(std::move(e));
  return std::move(site.files);
}

// Builds the selected feeds and writes what they change (a dry run only says
// what it would): a build after the probing.
void build_feeds(const std::string& root, const Workspace& ws, const std::vector<const FeedSource*>& feeds,
                 const std::map<std::string, MediaInfo>& media, const BuildOptions& options, BuildReport* report) {
  Outputs named;  // the files the feeds name: chapters, pictures, transcripts
  for (const FeedSource* feed : feeds) {
    std::vector<const EpisodeSource*> selected;
    for (const EpisodeSource& src : ws.episodes)
      if (matches_any_pattern(feed->episode_patterns, src.file)) selected.push_back(&src);
    report->shows.push_back(FeedBuilder(root, *feed, media, options.jobs, &named, report).build(selected));
  }
  if (!report->errors.empty()) return;
  Outputs site_files = build_site_outputs(root, ws, feeds, report->shows, named, report);
  if (!report->errors.empty()) return;

  // Everything is ready: only now touch the disk.
  Outputs feed_files;
  if (options.dry_run) {
    for (const Show& show : report->shows) feed_files["feeds/" + show.name + ".xml"] = write_rss(show);
    for (const Outputs* files : {&named, &site_files, &feed_files}) {
      for (const auto& [path, bytes] : *files) {
        auto current = read_file(join(root, path));
        const WriteStatus status =
            !current ? WriteStatus::kCreated : *current == bytes ? WriteStatus::kUnchanged : WriteStatus::kUpdated;
        report->outputs.push_back({path, status});
      }
    }
    return;
  }
  FileBatch batch;
  std::vector<BuildOutput> written;
  std::optional<Error> failed;
  {
    // The named files go to temporary files on a thread of their own while the
    // feeds are serialized.
    std::jthread writer([&] {
      for (const auto& [path, bytes] : named) {
        auto status = batch.add(join(root, path), bytes, 0);
        if (!status) {
          failed = status.error();
          return;
        }
        written.push_back({path, *status});
      }
    });
    for (const Show& show : report->shows) feed_files["feeds/" + show.name + ".xml"] = write_rss(show);
  }
  // The site's pages, and the feeds, in a stage after the files they name: a
  // reader, or a crash, never sees a page or a feed whose chapters or pictures are
  // not there yet.
  for (auto it = site_files.begin(); !failed && it != site_files.end(); ++it) {
    auto status = batch.add(join(root, it->first), it->second, 1);
    if (status) {
      written.push_back({it->first, *status});
    } else {
      failed = status.error();
    }
  }
  for (auto it = feed_files.begin(); !failed && it != feed_files.end(); ++it) {
    auto status = batch.add(join(root, it->first), it->second, 1);
    if (status) {
      written.push_back({it->first, *status});
    } else {
      failed = status.error();
    }
  }
  if (!failed) failed = batch.commit();
  if (failed) {
    report->errors.push_back(std::move(*failed));
    return;
  }
  report->outputs = std::move(written);
}

// Step 0 (issue 14 §3): the media files made from masters with the feed's [encode],
// before anything probes them. False when a master could not be made (errors in
// the report; nothing else is built).
bool make_media_from_masters(const std::string& root, const Workspace& ws, std::vector<ListedFile>* listing,
                             const BuildOptions& options, BuildReport* report) {
  EncodeMastersResult made = encode_masters(root, ws, listing, options.dry_run);
  for (const EncodedMedia& m : made.media)
    if (m.encoded) report->outputs.push_back(BuildOutput{m.media, WriteStatus::kUpdated});
  for (Error& e : made.errors) report->errors.push_back(std::move(e));
  return made.errors.empty();
}

}  // namespace

BuildReport build_workspace(const std::string& root, const BuildOptions& options) {
  BuildReport report;
  const bool use_stamp = options.use_cache && options.skip_unchanged && !options.dry_run;
  // One listing serves the stamp, the workspace loader and the probe cache.
  std::vector<ListedFile> files_before = list_workspace_files(root);
  // The site's outputs and theme count too: a page deleted or a template changed
  // makes the next build run. ("site/" and "theme/" sort after "media/".)
  for (ListedFile& f : list_workspace_files(root, {"site", "theme"})) files_before.push_back(std::move(f));
  // A build, add or import killed mid-way (SIGKILL, a power cut) leaves its
  // temporary files beside their targets: the next build removes them, so they
  // are neither published nor left to pile up (and the stamp no longer matches).
  if (!options.dry_run) {
    std::erase_if(files_before, [&](const ListedFile& f) {
      const std::string_view name = std::string_view(f.path).substr(f.path.rfind('/') + 1);
      return is_stale_temp(name) && ::unlink(join(root, f.path).c_str()) == 0;
    });
  }
  if (use_stamp) {
    auto last = read_file(join(root, kStampFile));
    if (last && *last == workspace_stamp(files_before, options)) {
      report.up_to_date = true;
      return report;
    }
  }
  LoadedWorkspace loaded = load_workspace(root, files_before);
  report.errors = std::move(loaded.errors);
  const Workspace& ws = loaded.workspace;

  std::vector<const FeedSource*> feeds;
  for (const FeedSource& f : ws.feeds)
    if (options.feed.empty() || f.show.name == options.feed) feeds.push_back(&f);
  if (!options.feed.empty() && feeds.empty()) {
    std::vector<std::string> names;
    for (const FeedSource& f : ws.feeds) names.push_back(f.show.name);
    const std::string near = closest_match(options.feed, names);
    report.errors.push_back(Error{ErrorCode::kNotFound,
                                  "no feed named '" + options.feed + "'" +
                                      (near.empty() ? "" : ", did you mean '" + near + "'?"),
                                  "feeds/" + options.feed + ".toml", 0, 0});
  }
  if (!report.errors.empty()) return report;
  if (!make_media_from_masters(root, ws, &files_before, options, &report)) return report;

  if (!options.dry_run) remove_stale_temps(join(root, ".podsmith"));
  ProbeCache cache = options.use_cache ? ProbeCache::load(join(root, kCacheFile)) : ProbeCache{};
  std::map<std::string, MediaInfo> media = probe_media(root, ws, files_before, options, &cache, &report);
  for (const auto& [path, info] : media)
    for (const std::string& w : info.warnings) report.warnings.push_back(Error{ErrorCode::kInvalidInput, w, path, 0, 0});
  // The probe cache (a megabyte of JSON for 1,000 episodes) is written on a
  // thread of its own while the feeds are built.
  std::optional<Error> cache_error;
  {
    std::jthread saver;
    if (options.use_cache && !options.dry_run) {
      cache.forget_unused();
      saver = std::jthread([&] { cache_error = cache.save(join(root, kCacheFile)); });
    }
    build_feeds(root, ws, feeds, media, options, &report);
  }
  if (cache_error) report.warnings.insert(report.warnings.begin(), std::move(*cache_error));
  if (!report.errors.empty() || options.dry_run) return report;
  // What the build read is freed while the stamp is written.
  destroy_in_background(std::move(loaded));
  destroy_in_background(std::move(media));
  destroy_in_background(std::move(cache));
  // Only a clean build may let the next one be skipped: warnings are worth seeing again.
  // The stamp is what the build read, with the outputs as now written: an input
  // changed during the build makes the next build run.
  if (use_stamp && report.warnings.empty()) {
    std::set<std::string> written;  // workspace-relative
    for (const BuildOutput& o : report.outputs)
      if (o.status != WriteStatus::kUnchanged) written.insert(o.path);
    std::vector<ListedFile> files;
    for (ListedFile& f : files_before)
      if (!written.count(f.path)) files.push_back(std::move(f));
    for (const std::string& path : written) {
      struct stat st {};
      if (::stat(join(root, path).c_str(), &st) == 0)
        files.push_back(ListedFile{path, int64_t{st.st_size}, int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec});
    }
    std::sort(files.begin(), files.end(), [](const ListedFile& a, const ListedFile& b) { return a.path < b.path; });
    // Not flushed to disk: a stamp lost in a crash only makes the next build run,
    // and one that outlives a lost output no longer matches it.
    if (auto saved = write_file_atomically(join(root, kStampFile), workspace_stamp(files, options), Durability::kCache);
        !saved)
      report.warnings.push_back(saved.error());
  }
  return report;
}

}  // namespace podsmith
