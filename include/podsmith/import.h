/// Turns a feed read by read_feed() into workspace files: feeds/<name>.toml and
/// one sidecar per item under media/, keeping every guid, date and enclosure
/// exactly, so a rebuilt feed does not make subscribers download the catalogue
/// again. Writes nothing when anything it would write exists already.
#pragma once

#include <string>
#include <vector>

#include "podsmith/error.h"
#include "podsmith/rss_reader.h"

namespace podsmith {

struct ImportOptions {
  std::string name;       // the feed's name; default: from the title
  std::string base_url;   // where the new workspace will be published; default: the
                          // directory of the feed's URL (a warning says to set it)
  bool force = false;     // import a feed that says podcast:locked yes
};

struct ImportReport {
  std::vector<std::string> written;  // workspace-relative, in the order written
  std::vector<Error> warnings;       // skipped items, extra enclosures, ...
  size_t episodes = 0;
};

/// Writes the workspace files for `doc` under `root` (creating feeds/ and media/).
/// Items without an enclosure or a readable pubDate are skipped with a warning.
/// Errors (and nothing written): the feed is locked and !force, a target file
/// exists, a write fails (files written before it are removed again).
Result<ImportReport> import_feed(const std::string& root, const FeedDocument& doc, const std::string& source,
                                 const ImportOptions& options);

}  // namespace podsmith
