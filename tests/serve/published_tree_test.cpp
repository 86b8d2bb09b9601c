#include "podsmith/serve/published_tree.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "test_support.h"

using namespace podsmith;
namespace fs = std::filesystem;
using podsmith::test::TempDir;

namespace {

// A workspace on disk with a feed that names media/ep1.mp3 and media/art.jpg,
// a generated feeds/show/ folder, a site, and what must never be served.
struct Workspace {
  TempDir dir;
  PublishedTree tree;
  Workspace() {
    for (const char* f : {"feeds/show.toml", "feeds/show.xml", "feeds/show/chapters/ep1.json",
                          "feeds/show/.chapters.json.tmp", "media/ep1.mp3", "media/ep1.md", "media/art.jpg",
                          "media/unnamed.mp3", "site/index.html", "site/404.html", "site/episodes/ep1/index.html",
                          "site/.env", ".podsmith/probe-cache.json", "masters/ep1.wav", "secret.txt"}) {
      dir.write(f, std::string("bytes of ") + f);
    }
    fs::create_symlink("/etc/hostname", dir.path() / "site/out.txt");
    fs::create_symlink("../secret.txt", dir.path() / "site/up.txt");
    fs::create_symlink("../.podsmith/probe-cache.json", dir.path() / "site/cache.json");
    fs::create_symlink("index.html", dir.path() / "site/home.html");  // inside site/: fine
    Show show;
    show.name = "show";
    show.base_url = "https://example.org/show/";
    show.image = "https://example.org/show/media/art.jpg";
    Episode e;
    e.enclosure.url = "https://example.org/show/media/ep1.mp3";
    e.chapters_url = "https://example.org/show/feeds/show/chapters/ep1.json";
    e.image = "https://cdn.example.net/elsewhere.jpg";  // not under base_url
    show.episodes.push_back(e);
    tree = published_tree(dir.path().string(), {show});
  }
};

}  // namespace

TEST_CASE("published_tree holds what publish uploads under media/ and feeds/") {
  Workspace w;
  CHECK(w.tree.files == std::set<std::string>{"feeds/show.xml", "feeds/show/chapters/ep1.json", "media/art.jpg",
                                              "media/ep1.mp3"});
}

TEST_CASE("resolve_request_path serves the published tree and nothing else") {
  Workspace w;
  using Kind = ResolvedPath::Kind;
  struct Case {
    const char* target;
    Kind kind;
    const char* relative;
  } cases[] = {
      {"/", Kind::kFile, "site/index.html"},
      {"/?utm=x", Kind::kFile, "site/index.html"},
      {"/index.html", Kind::kFile, "site/index.html"},
      {"/episodes/ep1/", Kind::kFile, "site/episodes/ep1/index.html"},
      {"/episodes/ep1", Kind::kRedirect, ""},
      {"/home.html", Kind::kFile, "site/home.html"},
      {"/media/ep1.mp3", Kind::kFile, "media/ep1.mp3"},
      {"/media/ep1%2Emp3", Kind::kFile, "media/ep1.mp3"},
      {"/feeds/show.xml", Kind::kFile, "feeds/show.xml"},
      {"/feeds/show/chapters/ep1.json", Kind::kFile, "feeds/show/chapters/ep1.json"},
      // Not published:
      {"/media/ep1.md", Kind::kNotFound, ""},
      {"/media/unnamed.mp3", Kind::kNotFound, ""},
      {"/feeds/show.toml", Kind::kNotFound, ""},
      {"/feeds/show/.chapters.json.tmp", Kind::kNotFound, ""},
      {"/media/", Kind::kNotFound, ""},
      {"/masters/ep1.wav", Kind::kNotFound, ""},
      {"/secret.txt", Kind::kNotFound, ""},
      {"/.podsmith/probe-cache.json", Kind::kNotFound, ""},
      {"/.env", Kind::kNotFound, ""},
      {"/%2Eenv", Kind::kNotFound, ""},
      // Traversal, however spelled:
      {"/../secret.txt", Kind::kNotFound, ""},
      {"/media/../secret.txt", Kind::kNotFound, ""},
      {"/%2e%2e/secret.txt", Kind::kNotFound, ""},
      {"/%2E%2E%2Fsecret.txt", Kind::kNotFound, ""},
      {"/media%2fep1.mp3", Kind::kNotFound, ""},
      {"/media/ep1.mp3%00", Kind::kNotFound, ""},
      {"/..%5csecret.txt", Kind::kNotFound, ""},
      {"/./index.html", Kind::kNotFound, ""},
      {"//index.html", Kind::kNotFound, ""},
      {"/%zz", Kind::kNotFound, ""},
      {"index.html", Kind::kNotFound, ""},
      // Symlinks that lead out of site/ or into a hidden folder:
      {"/out.txt", Kind::kNotFound, ""},
      {"/up.txt", Kind::kNotFound, ""},
      {"/cache.json", Kind::kNotFound, ""},
      {"/missing.html", Kind::kNotFound, ""},
  };
  for (const Case& c : cases) {
    INFO(c.target);
    const ResolvedPath r = resolve_request_path(w.tree, c.target);
    CHECK(r.kind == c.kind);
    CHECK(r.relative == c.relative);
    if (r.kind == Kind::kFile) CHECK(r.file == (w.dir.path() / c.relative).string());
  }
  CHECK(resolve_request_path(w.tree, "/episodes/ep1?x=1").location == "/episodes/ep1/");
}

TEST_CASE("resolve_request_path refuses a published media file that links out of the workspace") {
  Workspace w;
  fs::remove(w.dir.path() / "media/ep1.mp3");
  fs::create_symlink("/etc/hostname", w.dir.path() / "media/ep1.mp3");
  CHECK(resolve_request_path(w.tree, "/media/ep1.mp3").kind == ResolvedPath::Kind::kNotFound);
}
