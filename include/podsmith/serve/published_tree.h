/// Which files `podsmith serve` may send, and the file a request path names. The
/// published tree is what `podsmith publish` uploads: every file a feed names
/// under its base_url (media, artwork, chapters, transcripts), every file under
/// feeds/<name>/, each feeds/<name>.xml, and the site under site/ (served at /).
/// Nothing else: not .podsmith/, not a dotfile, not a feed's .toml or a sidecar,
/// not a master, not a file a symlink reaches outside the workspace. Reads the
/// file system to resolve; never writes.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "podsmith/base/model.h"

namespace podsmith {

struct PublishedTree {
  std::string root;                  // the workspace, as given
  std::set<std::string> files;       // workspace-relative paths under media/ and feeds/ that may be served
};

/// The tree of `root` for the feeds as built (BuildReport::shows): the URLs under
/// each show's base_url, each feeds/<name>.xml, and the regular files under
/// feeds/<name>/ whose names do not start with a dot (a build's temporary files).
/// A URL that does not lie under base_url is served from elsewhere and adds nothing.
PublishedTree published_tree(const std::string& root, const std::vector<Show>& shows);

struct ResolvedPath {
  enum class Kind {
    kFile,      // send `file`
    kRedirect,  // a directory named without its trailing slash: redirect to `location`
    kNotFound,  // nothing to send (also for every path outside the published tree)
  };
  Kind kind = Kind::kNotFound;
  std::string file;      // the file system path to send (root + relative path)
  std::string relative;  // workspace-relative, e.g. "site/index.html", "media/ep1.mp3"
  std::string location;  // for kRedirect: the request path with a '/' appended (still encoded)
};

/// The file that `target` (a request path as sent, percent-encoded, query allowed)
/// names in `tree`: /media/... and /feeds/... when the tree holds that path,
/// anything else under site/ ("/" and ".../" serve index.html). kNotFound for a
/// path with an empty, "." or ".." segment or one starting with '.', an encoded
/// '/' or '\' or NUL, a malformed %-escape, a file that is not regular, or one
/// whose real path (symlinks followed) leaves the workspace (site/: leaves site/)
/// or passes through a dot-named directory.
ResolvedPath resolve_request_path(const PublishedTree& tree, std::string_view target);

}  // namespace podsmith
