/// Writes a podcast RSS 2.0 feed from a Show, with the itunes, podcast
/// (Podcasting 2.0), content, atom and psc namespaces, as Apple's podcaster's
/// guide to RSS, PSP-1 and the Podcasting 2.0 namespace define them. Pure: the
/// same Show gives the same bytes. No I/O.
#pragma once

#include <string>

#include "podsmith/base/model.h"

namespace podsmith {

/// The feed as UTF-8 XML text, ending in a newline. Elements appear in a fixed
/// order, episodes in the order of show.episodes (newest first is the caller's
/// job), optional elements only when their field is set (an item's pubDate too:
/// an Episode without a date has none). lastBuildDate is show.updated, else the
/// newest episode's date, else absent.
std::string write_rss(const Show& show);

/// `path` percent-encoded for a URL path (RFC 3986: everything but unreserved
/// characters and '/' as %XX), appended to `base` (which ends in '/').
std::string url_for_path(const std::string& base, const std::string& path);

}  // namespace podsmith
