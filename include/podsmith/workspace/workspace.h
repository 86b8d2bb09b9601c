/// The workspace a producer keeps in git: feeds/<name>.toml (one feed each) and
/// media/**/<ep>.md sidecars (TOML front matter between +++ lines, then Markdown
/// show notes). This reads them into the model and writes new sidecars; it never
/// probes media or renders notes (build does) and never rewrites a user's file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "podsmith/audio/master.h"
#include "podsmith/base/error.h"
#include "podsmith/base/model.h"
#include "podsmith/site/site.h"

namespace podsmith {

/// The feed's [publish] table: where `podsmith publish` uploads the workspace
/// root and whom it tells. It holds no secret: credentials come from the
/// environment or the user's netrc only (see publish.h).
struct PublishSettings {
  /// sftp://host[:port]/path, ftp://host[:port]/path, ftps://... (explicit TLS),
  /// http(s)://... (WebDAV or plain PUT), or s3://bucket[/prefix]. The workspace
  /// root maps to it: media/x.mp3 goes to TARGET/media/x.mp3. A user name in it
  /// is allowed; a password is refused.
  std::string target;
  /// SFTP: the known_hosts file the server's key must be in. Default
  /// ~/.ssh/known_hosts.
  std::string known_hosts;
  /// SFTP: the server key's SHA-256 fingerprint, base64, as `ssh-keygen -l` prints
  /// it after "SHA256:". When set, it is the only key accepted.
  std::string host_key_sha256;
  /// http(s) targets: true (the default) for WebDAV (MKCOL the collections, PUT
  /// to a temporary name, MOVE over the target); false for a plain PUT server.
  bool webdav = true;
  /// S3: the endpoint of an S3-compatible store ("https://ACCOUNT.r2.cloudflarestorage.com");
  /// empty: AWS (https://BUCKET.s3.REGION.amazonaws.com).
  std::string endpoint;
  std::string region = "us-east-1";  // S3: the signing region
  bool public_read = false;          // S3: send x-amz-acl: public-read
  /// S3: a file of at least this many bytes goes up as a multipart upload, part
  /// by part, and a publish cut short continues it where it stopped; a smaller
  /// one with a single PUT. 5 MiB to 5 GiB (S3 refuses a single PUT above 5 GiB).
  /// `multipart_threshold` in the table: bytes, or "64M". Default 64 MiB.
  int64_t multipart_threshold_bytes = int64_t{64} << 20;
  /// S3: the size of every part but the last, 5 MiB (S3's minimum) to 5 GiB;
  /// larger for a file that would need more than S3's 10,000 parts.
  /// `multipart_part_size` in the table: bytes, or "16M". Default 16 MiB.
  int64_t multipart_part_size_bytes = int64_t{16} << 20;
  /// A PEM file of certificate authorities to trust instead of the system's
  /// (workspace-relative or absolute), for a server with a private CA.
  std::string ca_file;
  /// The prefix of the environment variables with the credentials:
  /// PREFIX_USER, PREFIX_PASSWORD, PREFIX_SSH_KEY, PREFIX_SSH_KEY_PASSPHRASE.
  /// Default "PODSMITH".
  std::string credentials = "PODSMITH";
  /// After uploading, HEAD and Range-request each new enclosure through the
  /// public base_url. Default true.
  bool verify_public = true;
  bool websub = true;          // POST to the WebSub hub the feed names
  bool podcast_index = false;  // GET the Podcast Index's pubnotify
  std::string podcast_index_url = "https://api.podcastindex.org/api/1.0/hub/pubnotify";
  bool podping = false;        // GET Podping with PODPING_TOKEN from the environment
  std::string podping_url = "https://podping.cloud/";
};

/// feeds/<name>.toml as read. Paths in it are relative to the workspace root.
struct FeedSource {
  std::string file;                           // "feeds/channel8.toml"
  Show show;                                  // channel fields; no episodes yet
  std::string image_file;                     // workspace path of the artwork, when `image` is a path
  std::vector<std::string> episode_patterns;  // globs of sidecars; default {"media/**.md"}
  std::optional<PublishSettings> publish;     // the [publish] table, when there is one
  /// The [encode] table: how build makes the published media of episodes whose
  /// sidecar names a `master` (format, bitrate, channels, target, true_peak).
  std::optional<MasterSettings> encode;
  /// The loudness lint rules' target and ceiling: [loudness] target and true_peak,
  /// else [encode]'s, else -16 LUFS and -1 dBTP.
  double loudness_target_lufs = -16;
  double true_peak_ceiling_dbtp = -1;
  std::optional<SiteSettings> site;           // the [site] table, when there is one: the show's website
};

/// One sidecar as read. Paths in it are relative to the sidecar's directory;
/// here they are resolved to workspace-relative paths.
struct EpisodeSource {
  std::string file;                  // "media/2006/ep1.md"
  Episode episode;                   // front-matter fields; media fields come from the probe
  std::string notes_markdown;        // the body after the front matter
  std::string image_file;            // workspace path of the episode artwork, when `image` is a path
  std::string chapters_file;         // workspace path of a chapters file (.txt or .json); empty: none given
  /// workspace path of the master recording the media is made from (`master`; the
  /// feed's [encode] says how); empty: the media file is published as it is.
  /// The media file need not exist before build makes it.
  std::string master_file;
  std::vector<Transcript> transcripts;  // `source` (a file) or `url` set
  /// media is a URL (an imported episode not downloaded): episode.enclosure
  /// and duration_ms come from the front matter (length, media_type, duration), not a probe.
  bool remote_media = false;
  /// notes_format = "html": the notes are HTML kept exactly as imported, not Markdown.
  bool notes_are_html = false;
  /// imported = true: written by podsmith import. Such a sidecar may lack what the
  /// old feed lacked: a date (see `after`), an episode number in a serial show
  /// (build warns instead of failing).
  bool imported = false;
  /// Only for an imported episode without a date, which has no place by date: the
  /// guid of the episode it comes right after in the feed (`after`), or right
  /// before (`before`), as in the feed it was imported from. Empty: none given.
  std::string after;
  std::string before;
  /// slug = "...": the episode page's URL path under episodes/; empty: derived from
  /// the sidecar's path (slug_for_sidecar), so a new title never moves the page.
  std::string slug;
};

struct Workspace {
  std::string root;                  // absolute or as given
  std::vector<FeedSource> feeds;     // sorted by name
  std::vector<EpisodeSource> episodes;  // sorted by sidecar path
};

/// A file under feeds/ or media/ as one listing of the workspace found it.
struct ListedFile {
  std::string path;  // workspace-relative: "media/2006/ep1.mp3"
  int64_t size_bytes = 0;
  int64_t mtime_ns = 0;
};

/// The regular files under root/feeds and root/media, sorted by path, each with
/// its size and mtime: one fstatat() each, nothing opened. A symbolic link to a
/// file counts, with its target's size and mtime (so the target changing shows);
/// one to a directory is not followed; a dangling one, and directories that cannot
/// be read, are left out.
std::vector<ListedFile> list_workspace_files(const std::string& root);
/// The same for the folders `dirs` of root (e.g. {"site", "theme"}).
std::vector<ListedFile> list_workspace_files(const std::string& root, const std::vector<std::string>& dirs);

/// Loads feeds/*.toml and media/**/*.md under `root`. Every problem found is an
/// Error naming file:line:column (malformed TOML, unknown keys with the nearest
/// known one suggested, wrong types, a date without a UTC offset, a missing
/// guid, a missing date (allowed only with imported = true), paths that escape
/// the workspace, a missing media file, two sidecars claiming one media file
/// (two claiming one media URL are fine: a rebroadcast names the same file at the
/// old host with a guid of its own)); loading goes on after an error so all
/// of them are reported at once. The workspace is usable only when `errors` is empty.
struct LoadedWorkspace {
  Workspace workspace;
  std::vector<Error> errors;
};
LoadedWorkspace load_workspace(const std::string& root);
/// The same, from a `listing` of list_workspace_files(root) the caller made
/// already (build makes one to tell whether anything changed): nothing is listed
/// again, and the sidecars are read at the sizes it gives.
LoadedWorkspace load_workspace(const std::string& root, const std::vector<ListedFile>& listing);

/// Parses one feed file's text. `file` is the workspace-relative path used in
/// errors and to derive the feed's name.
Result<FeedSource> parse_feed(std::string_view text, const std::string& file);

/// Parses one sidecar's text (front matter + notes). Relative paths are resolved
/// against the sidecar's directory; one that escapes the workspace is an error.
/// Does not look at the file system.
Result<EpisodeSource> parse_sidecar(std::string_view text, const std::string& file);

/// The fields `podsmith add` and `podsmith import` write into a new sidecar.
/// Empty strings, empty lists and nullopt are left out.
struct NewSidecar {
  std::string title;
  std::string media;           // relative to the sidecar's directory, or a URL; empty: same base name
  std::string master;          // relative to the sidecar's directory; empty: none (media is published as is)
  int64_t media_length = 0;    // with a media URL: the enclosure's length in bytes
  std::string media_type;      // with a media URL: its MIME type
  int64_t duration_ms = 0;     // with a media URL: the duration (0: not written)
  std::string guid;
  /// Always set by add. Import leaves it unset for an item that had no readable
  /// pubDate: then `date` is not written, and `after` or `before` keep its place.
  std::optional<Timestamp> date;
  std::string original_date;   // with no date: the item's pubDate as written, kept as a comment
  std::string after;           // with no date: the guid of the episode before it in the feed
  std::string before;          // with no date and nothing before it: the guid of the one after it
  bool imported = false;       // write imported = true (see EpisodeSource::imported)
  std::optional<int> season;
  std::optional<int> episode;
  std::string episode_type;
  std::optional<bool> explicit_content;
  std::string subtitle;
  std::string author;
  std::string link;
  std::string image;           // a path or URL
  std::string chapters;        // a path or URL
  std::vector<Transcript> transcripts;  // written with url (or path = source), type, language, rel
  std::vector<Person> persons;
  bool block = false;
  std::string keywords;
  bool notes_are_html = false; // write notes_format = "html" and the notes exactly as given
  std::string notes;           // Markdown (or HTML, see above)
};

/// The text of a sidecar: +++, TOML front matter, +++, the notes.
std::string format_sidecar(const NewSidecar& sidecar);

/// The text of a feed file for `show` (as import makes it): every channel field
/// the show has, with `episodes` when not the default. Descriptions are written
/// as given (HTML is valid in the Markdown description). `categories_as_given`
/// (import: the feed's own categories, "Parent/Sub", when they had to be mapped
/// onto Apple's list) goes into a comment above `categories`; none when empty.
std::string format_feed(const Show& show, const std::string& description,
                        const std::vector<std::string>& categories_as_given = {});

/// True when `path` (workspace-relative, '/'-separated) matches one of the glob
/// `patterns`: '*' and '?' stop at '/', '**' crosses it ("media/**.md").
bool matches_any_pattern(const std::vector<std::string>& patterns, const std::string& path);

/// True for a podcast:medium value a feed file may give: the podcast namespace's
/// mediums ("podcast", "music", "video", ...), their list forms ("podcastL", ...)
/// and "mixed". Exact: "Podcast" is not one.
bool is_podcast_medium(std::string_view medium);

/// The extensions podsmith treats as episode media, lowercase without dots.
const std::vector<std::string>& media_extensions();

}  // namespace podsmith
