#include "podsmith/serve/published_tree.h"

#include <filesystem>
#include <system_error>

#include "podsmith/base/text.h"

namespace podsmith {
namespace fs = std::filesystem;

namespace {

// The workspace-relative path a URL under base_url names, as publish's
// collect_files reads it; empty when it is not one.
std::string path_under(const std::string& url, const std::string& base) {
  if (url.empty() || base.empty() || url.rfind(base, 0) != 0) return "";
  std::string rest = url.substr(base.size());
  rest = rest.substr(0, rest.find_first_of("?#"));
  const auto decoded = percent_decode(rest);
  if (!decoded) return "";
  const std::string path = fs::path(*decoded).lexically_normal().generic_string();
  if (path.empty() || path.rfind("..", 0) == 0 || path[0] == '/' || path.back() == '/') return "";
  return path;
}

bool is_dot_name(std::string_view name) { return !name.empty() && name[0] == '.'; }

// Whether every component of the relative path is a plain name: not empty,
// not . or .., not hidden.
bool plain_relative(const fs::path& relative) {
  if (relative.empty() || relative.is_absolute()) return false;
  for (const fs::path& part : relative) {
    const std::string name = part.string();
    if (name.empty() || is_dot_name(name)) return false;
  }
  return true;
}

// The real path of `file` when it is a regular file inside `within` (both
// followed through symlinks) whose path from the workspace root has no hidden
// component; empty otherwise.
bool safely_inside(const fs::path& file, const fs::path& within, const fs::path& root) {
  std::error_code ec;
  const fs::path real = fs::canonical(file, ec);
  if (ec) return false;
  const fs::path real_within = fs::canonical(within, ec);
  if (ec) return false;
  const fs::path real_root = fs::canonical(root, ec);
  if (ec) return false;
  const fs::path inside = real.lexically_relative(real_within);
  if (inside.empty() || *inside.begin() == "..") return false;
  if (!plain_relative(real.lexically_relative(real_root))) return false;
  return fs::is_regular_file(real, ec);
}

}  // namespace

PublishedTree published_tree(const std::string& root, const std::vector<Show>& shows) {
  PublishedTree tree;
  tree.root = root;
  auto add = [&](const std::string& url, const std::string& base) {
    const std::string path = path_under(url, base);
    if (path.rfind("media/", 0) == 0 || path.rfind("feeds/", 0) == 0) tree.files.insert(path);
  };
  for (const Show& show : shows) {
    const std::string& base = show.base_url;
    add(show.image, base);
    for (const Person& p : show.persons) add(p.img, base);
    for (const Episode& e : show.episodes) {
      add(e.enclosure.url, base);
      add(e.image, base);
      add(e.chapters_url, base);
      for (const Transcript& t : e.transcripts) add(t.url, base);
      for (const Person& p : e.persons) add(p.img, base);
    }
    tree.files.insert("feeds/" + show.name + ".xml");
    std::error_code ec;
    const fs::path generated = fs::path(root) / "feeds" / show.name;
    for (auto it = fs::recursive_directory_iterator(generated, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (is_dot_name(it->path().filename().string())) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file()) continue;
      tree.files.insert(fs::path(it->path()).lexically_relative(root).generic_string());
    }
  }
  return tree;
}

ResolvedPath resolve_request_path(const PublishedTree& tree, std::string_view target) {
  ResolvedPath result;
  const std::string_view raw_path = target.substr(0, target.find_first_of("?#"));
  if (raw_path.empty() || raw_path[0] != '/') return result;
  // Split the still-encoded path, so that an encoded '/' cannot make a segment.
  std::vector<std::string> segments;
  size_t start = 1;
  while (true) {
    const size_t slash = raw_path.find('/', start);
    const std::string_view raw = raw_path.substr(start, slash == std::string_view::npos ? slash : slash - start);
    const auto decoded = percent_decode(raw);
    if (!decoded) return result;
    segments.push_back(*decoded);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  const bool directory = segments.back().empty();  // "/" or ".../"
  if (directory) segments.pop_back();
  std::string relative;
  for (const std::string& s : segments) {
    if (s.empty() || is_dot_name(s) || s.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos) {
      return result;
    }
    relative += (relative.empty() ? "" : "/") + s;
  }
  const fs::path root = tree.root;
  const bool published = !segments.empty() && (segments[0] == "media" || segments[0] == "feeds");
  if (published) {
    if (directory || !tree.files.count(relative)) return result;
    const fs::path file = root / relative;
    if (!safely_inside(file, root, root)) return result;
    result.kind = ResolvedPath::Kind::kFile;
    result.file = file.string();
    result.relative = relative;
    return result;
  }
  const fs::path site = root / "site";
  std::string site_relative = "site" + (relative.empty() ? "" : "/" + relative);
  std::error_code ec;
  if (!directory && !relative.empty() && fs::is_directory(root / site_relative, ec)) {
    result.kind = ResolvedPath::Kind::kRedirect;
    result.location = std::string(raw_path) + "/";
    return result;
  }
  if (directory) site_relative += "/index.html";
  const fs::path file = root / site_relative;
  if (!safely_inside(file, site, root)) return result;
  result.kind = ResolvedPath::Kind::kFile;
  result.file = file.string();
  result.relative = site_relative;
  return result;
}

}  // namespace podsmith
