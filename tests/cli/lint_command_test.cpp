// End-to-end: `podsmith lint` through the built binary, on files and on a URL
// served by nginx on loopback.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "servers/loopback_server.h"
#include "test_support.h"

using podsmith::test::read_file;
using podsmith::test::run_podsmith;
using podsmith::test::source_path;
using podsmith::test::TempDir;

namespace {

std::string fixture(const std::string& name) { return source_path("tests/fixtures/lint/" + name); }

}  // namespace

TEST_CASE("podsmith lint passes a good feed with exit 0 and a summary", "[lint][cli]") {
  const auto r = run_podsmith({"lint", fixture("good.xml")});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "0 errors, 0 warnings, 0 infos in 1 feed\n");
  CHECK(r.err.empty());
}

TEST_CASE("podsmith lint prints findings like a compiler and exits 1 on errors", "[lint][cli]") {
  const std::string bad = fixture("bad.xml");
  const auto r = run_podsmith({"lint", bad});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out == bad +
                     ":3:3: warning[apple/author-missing]: the channel has no <itunes:author>\n"
                     "  hint: name the person, group or network behind the show in <itunes:author>\n" +
                     bad +
                     ":11:5: error[apple/explicit-value]: <itunes:explicit> is \"maybe\", neither true nor false\n"
                     "  hint: write true or false; Apple reads nothing else\n"
                     "1 error, 1 warning, 0 infos in 1 feed\n");
  CHECK(r.out.find('\033') == std::string::npos);  // NO_COLOR (and not a terminal)
}

TEST_CASE("podsmith lint allows warnings unless --strict", "[lint][cli]") {
  CHECK(run_podsmith({"lint", fixture("warnings.xml")}).exit_code == 0);
  CHECK(run_podsmith({"lint", "--strict", fixture("warnings.xml")}).exit_code == 1);
  CHECK(run_podsmith({"lint", "--rules", "rss", "--strict", fixture("warnings.xml")}).exit_code == 0);
}

TEST_CASE("podsmith lint exits 2 when a feed cannot be read, and still lints the others", "[lint][cli]") {
  TempDir dir;
  const std::string broken =
      dir.write("broken.xml", "<?xml version=\"1.0\"?>\n<rss><channel><title>x</chanel></rss>\n");
  const auto r = run_podsmith({"lint", fixture("bad.xml"), broken, (dir.path() / "missing.xml").string()});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(broken + ":2:") != std::string::npos);
  CHECK(r.err.find("missing.xml") != std::string::npos);
  CHECK(r.out.find("error[apple/explicit-value]") != std::string::npos);
  CHECK(r.out.find("(2 feeds unreadable)") != std::string::npos);
}

TEST_CASE("podsmith lint --format json is one document for programs", "[lint][cli]") {
  const auto r = run_podsmith({"lint", "--format", "json", fixture("bad.xml"), fixture("good.xml")});
  REQUIRE(r.exit_code == 1);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["summary"]["errors"] == 1);
  CHECK(j["summary"]["warnings"] == 1);
  CHECK(j["findings"].size() == 2);
  CHECK(j["findings"][1]["rule"] == "apple/explicit-value");
  CHECK(j["findings"][1]["line"] == 11);
  CHECK(j["findings"][1]["column"] == 5);
  CHECK(j["findings"][1]["hint"] == "write true or false; Apple reads nothing else");
  CHECK(j["unreadable"].empty());
}

TEST_CASE("podsmith lint --format github writes workflow commands", "[lint][cli]") {
  const auto r = run_podsmith({"lint", "--format", "github", fixture("bad.xml")});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("::error file=" + fixture("bad.xml") + ",line=11,col=5,title=apple/explicit-value::") !=
        std::string::npos);
  CHECK(r.out.find("::warning file=") == 0);
}

TEST_CASE("podsmith lint rejects an unknown rule set with a suggestion", "[lint][cli]") {
  const auto r = run_podsmith({"lint", "--rules", "apple,spotfy", fixture("good.xml")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown rule set 'spotfy', did you mean 'spotify'?") != std::string::npos);
  CHECK(run_podsmith({"lint", "--format", "xml", fixture("good.xml")}).exit_code == 2);
  CHECK(run_podsmith({"lint"}).exit_code == 2);
}

TEST_CASE("podsmith lint --list-rules lists every rule with its severity and sets", "[lint][cli]") {
  const auto r = run_podsmith({"lint", "--list-rules"});
  CHECK(r.exit_code == 0);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') >= 40);
  CHECK(r.out.find("apple/explicit-value") != std::string::npos);
  CHECK(r.out.find("(--online)") != std::string::npos);
}

TEST_CASE("podsmith lint fetches a feed from a URL and checks its self link against it", "[lint][cli]") {
  TempDir root;
  root.write("feed.xml", read_file(fixture("good.xml")));
  podsmith::test::NginxServer nginx(root.path());
  const auto r = run_podsmith({"lint", "--rules", "psp1", nginx.url("/feed.xml")});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find(nginx.url("/feed.xml") + ":8:5: warning[psp1/self-link-mismatch]") != std::string::npos);
  const auto missing = run_podsmith({"lint", nginx.url("/nothing.xml")});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("404") != std::string::npos);
}

TEST_CASE("podsmith lint --online fetches what the feed points to", "[lint][cli][online]") {
  TempDir root;
  podsmith::test::NginxServer nginx(root.path());
  root.write("ep1.mp3", std::string(1000, 'a'));
  std::string feed = read_file(fixture("good.xml"));
  const std::string enclosure = "https://example.org/show/ep1.mp3\" length=\"1000\"";
  feed.replace(feed.find(enclosure), enclosure.size(), nginx.url("/ep1.mp3") + "\" length=\"999\"");
  const std::string art = "https://example.org/show/art.jpg";
  feed.replace(feed.find(art), art.size(), nginx.url("/art.jpg"));  // not there: 404
  root.write("feed.xml", feed);
  const auto r = run_podsmith({"lint", "--online", "--rules", "apple", nginx.url("/feed.xml")});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("error[apple/enclosure-length-match]: the enclosure \"" + nginx.url("/ep1.mp3") +
                   "\" is 1000 bytes but length says 999") != std::string::npos);
  CHECK(r.out.find("error[apple/artwork-reachable]: the artwork \"" + nginx.url("/art.jpg") +
                   "\": the request was answered HTTP 404") != std::string::npos);
}
