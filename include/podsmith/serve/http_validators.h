/// The small HTTP rules a static file server needs and cpp-httplib leaves to its
/// caller: the Content-Type of a published file, a strong ETag and the
/// Last-Modified date of a file version, whether a conditional GET gets a 304
/// (RFC 9110 13.2.2: If-None-Match decides when present, else If-Modified-Since),
/// and whether a Range header can be satisfied. Pure functions: no I/O, no clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace podsmith {

/// The Content-Type to send for a workspace-relative path, by extension:
/// "audio/mpeg" for .mp3, "application/rss+xml" for a feed (feeds/<name>.xml),
/// "application/xml" for other XML (sitemap.xml), text types with
/// "; charset=utf-8". "application/octet-stream" when the extension is unknown.
std::string content_type_for(std::string_view relative_path);

/// A strong ETag (quotes included) for a file of `size_bytes` last modified at
/// `mtime_ns`: another size or mtime gives another tag. `variant` (e.g. "r" for
/// an HTML page with the reload script added) is appended, so the same file sent
/// with other bytes never shares a tag.
std::string make_etag(int64_t size_bytes, int64_t mtime_ns, std::string_view variant = {});

/// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") for seconds since the epoch.
std::string http_date(int64_t unix_s);

/// Seconds since the epoch of an IMF-fixdate; nullopt for anything else (the
/// obsolete RFC 850 and asctime forms are not accepted: the header is then ignored).
std::optional<int64_t> parse_http_date(std::string_view text);

/// Whether a GET or HEAD with these request headers (empty when absent) gets 304
/// Not Modified for the version with `etag` and modification time `mtime_s`.
/// If-None-Match is compared weakly ("*", or any tag of the list, W/ or not);
/// If-Modified-Since only when If-None-Match is absent.
bool is_not_modified(std::string_view if_none_match, std::string_view if_modified_since, std::string_view etag,
                     int64_t mtime_s);

/// Whether a Range header ("bytes=0-99", "bytes=100-", "bytes=-500", lists of
/// them) selects at least one byte of a file of `size_bytes`: false means 416
/// (RFC 9110 14.1.2: a syntactically valid set none of whose ranges overlaps the
/// file). A header that is not a valid bytes range set is ignored (returns true,
/// the whole file is sent with 200), as the RFC allows.
bool range_is_satisfiable(std::string_view range_header, int64_t size_bytes);

}  // namespace podsmith
