// The site as `podsmith publish` sends it: site/X to base_url's root as X, after the
// media and before the feed, against a real FTP server on loopback.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "servers/publish_servers.h"
#include "test_support.h"

namespace fs = std::filesystem;
using podsmith::test::read_file;
using podsmith::test::source_path;
using podsmith::test::TempDir;

TEST_CASE("publish sends the site to base_url's root, after the media and before the feed", "[publish]") {
  podsmith::test::FtpServer ftp;
  TempDir dir;
  fs::create_directories(dir.path() / "feeds");
  podsmith::test::copy_tree(source_path("media"), (dir.path() / "media").string());
  const std::string toml = read_file(source_path("feeds/channel8.toml"));
  std::ofstream(dir.path() / "feeds/channel8.toml")
      << toml << "\n[publish]\ntarget = \"" << ftp.target("/show") << "\"\nverify_public = false\nwebsub = false\n";
  podsmith::test::RunOptions options;
  options.cwd = dir.path().string();
  options.env = {"PODSMITH_USER=" + ftp.user(), "PODSMITH_PASSWORD=" + ftp.password()};
  const auto r = podsmith::test::run_podsmith({"publish", "--json"}, options);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(r.out);
  std::vector<std::string> order;
  for (const auto& u : report["feeds"][0]["uploads"]) order.push_back(u["path"].get<std::string>());
  const auto at = [&](const std::string& path) {
    return static_cast<size_t>(std::find(order.begin(), order.end(), path) - order.begin());
  };
  REQUIRE(at("index.html") < order.size());
  CHECK(at("site/index.html") == order.size());
  CHECK(at("episodes/2006-01-mvp-award-beginnings/index.html") < order.size());
  CHECK(at("sitemap.xml") < order.size());
  CHECK(at("404.html") < order.size());
  CHECK(order.back() == "feeds/channel8.xml");
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i].rfind("media/", 0) == 0) CHECK(i < at("index.html"));
  }
  for (const char* path : {"index.html", "episodes/2006-03-start-a-student-user-group/index.html", "style.css"}) {
    CAPTURE(path);
    CHECK(read_file((ftp.root() / "show" / path).string()) == read_file((dir.path() / "site" / path).string()));
  }
  CHECK_FALSE(fs::exists(ftp.root() / "show/site"));
}
