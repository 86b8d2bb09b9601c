#include "podsmith/site/site.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

using podsmith::build_site;
using podsmith::Episode;
using podsmith::Show;
using podsmith::SiteInput;
using podsmith::SiteOutput;

namespace {

Episode episode(int n, const std::string& type = "audio/mpeg") {
  Episode ep;
  ep.sidecar = "media/ep" + std::to_string(n) + ".md";
  ep.media = "media/ep" + std::to_string(n) + ".mp3";
  ep.guid = "guid-" + std::to_string(n);
  ep.date = podsmith::Timestamp{1'700'000'000 + n * 86400, 60};
  ep.title = "Episode <" + std::to_string(n) + ">";
  ep.notes_html = "<h1>Top</h1><p>Notes of " + std::to_string(n) + ".</p><h2>Sub</h2>";
  ep.summary_text = "Notes of " + std::to_string(n) + ".";
  ep.episode = n;
  ep.season = 1 + (n - 1) / 3;
  ep.enclosure = {"https://example.org/show/media/ep" + std::to_string(n) + (type == "video/mp4" ? ".mp4" : ".mp3"),
                  1234567, type};
  ep.duration_ms = 83'500 + n;
  return ep;
}

Show show_of(int episodes) {
  Show s;
  s.name = "show";
  s.title = "The Show";
  s.description_html = "<p>About the show.</p>";
  s.description_text = "About the show.";
  s.language = "en-us";
  s.base_url = "https://example.org/show/";
  s.feed_url = "https://example.org/show/feeds/show.xml";
  s.image = "https://example.org/show/media/art.jpg";
  s.persons.push_back({"Host Person", "host", "", "https://example.org/host", ""});
  for (int n = episodes; n >= 1; --n) s.episodes.push_back(episode(n));
  return s;
}

SiteOutput build(const Show& show, std::map<std::string, std::string> theme = {},
                 const std::map<std::string, std::string>* files = nullptr) {
  SiteInput in;
  in.show = &show;
  in.feed_file = "feeds/show.toml";
  in.theme = std::move(theme);
  in.files = files;
  return build_site(in);
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("site: an episode page has one player, seeking chapter links, the transcript and JSON-LD") {
  Show show = show_of(3);
  Episode& ep = show.episodes[1];  // episode 2
  ep.chapters = {{"", 0, 0, "Intro", "", {}, ""}, {"", 83'500, 0, "Main & more", "https://www.example.com/x", {}, ""}};
  ep.transcripts.push_back({"https://example.org/show/feeds/show/transcripts/ep2.srt", "application/x-subrip", "", "", "media/ep2.srt"});
  ep.persons.push_back({"Guest One", "guest", "", "", ""});
  const std::map<std::string, std::string> files = {
      {"feeds/show/transcripts/ep2.srt", "1\n00:00:01,500 --> 00:00:03,000\n<i>Hello</i> & welcome\n"}};
  const SiteOutput out = build(show, {}, &files);
  INFO((out.errors.empty() ? "" : out.errors[0].to_string()));
  REQUIRE(out.errors.empty());
  const std::string& page = out.files.at("site/episodes/ep2/index.html");
  CHECK(count(page, "<audio controls preload=\"none\" src=\"../../media/ep2.mp3\"") == 1);
  CHECK(count(page, "<audio") == 1);
  CHECK(page.find("<a class=\"chapter\" href=\"#t=0\" data-start=\"0\">") != std::string::npos);
  CHECK(page.find("<a class=\"chapter\" href=\"#t=83.5\" data-start=\"83.5\"><span class=\"time\">1:23</span> Main &amp; more</a>") !=
        std::string::npos);
  CHECK(page.find("<track kind=\"chapters\" src=\"chapters.vtt\"") != std::string::npos);
  CHECK(out.files.at("site/episodes/ep2/chapters.vtt") ==
        "WEBVTT\n\n00:00:00.000 --> 00:01:23.500\nIntro\n\n00:01:23.500 --> 00:01:23.502\nMain &amp; more\n");
  // The SRT transcript: shown with seeking times, and as a WebVTT captions track.
  CHECK(page.find("id=\"transcript\"") != std::string::npos);
  CHECK(page.find("<a class=\"cue\" href=\"#t=1.5\" data-start=\"1.5\">0:01</a> Hello &amp; welcome") != std::string::npos);
  CHECK(page.find("<track kind=\"captions\" src=\"captions.vtt\" srclang=\"en-us\"") != std::string::npos);
  CHECK(out.files.at("site/episodes/ep2/captions.vtt") == "WEBVTT\n\n00:00:01.500 --> 00:00:03.000\nHello &amp; welcome\n");
  // Notes' headings start at h3, under the page's h2 "Show notes".
  CHECK(page.find("<h3>Top</h3><p>Notes of 2.</p><h4>Sub</h4>") != std::string::npos);
  CHECK(page.find("Guest One</li>") == std::string::npos);
  CHECK(page.find("Guest One <span class=\"role\">guest</span>") != std::string::npos);
  // Neighbours, newest first.
  CHECK(page.find("href=\"../../episodes/ep3/\" rel=\"next\">Newer: Episode &lt;3&gt;") != std::string::npos);
  CHECK(page.find("href=\"../../episodes/ep1/\" rel=\"prev\">Older: Episode &lt;1&gt;") != std::string::npos);

  std::smatch m;
  REQUIRE(std::regex_search(page, m, std::regex("<script type=\"application/ld\\+json\">(.*)</script>")));
  const auto ld = nlohmann::json::parse(m[1].str());
  CHECK(ld["@type"] == "PodcastEpisode");
  CHECK(ld["duration"] == "PT1M23S");
  CHECK(ld["episodeNumber"] == 2);
  CHECK(ld["datePublished"] == "2023-11-16T23:13:20+01:00");
  CHECK(ld["associatedMedia"]["contentUrl"] == "https://example.org/show/media/ep2.mp3");
  CHECK(ld["partOfSeries"]["url"] == "https://example.org/show/");
  CHECK(ld["name"] == "Episode <2>");
}

TEST_CASE("site: in-site links are relative; only canonical, og, JSON-LD and the feed link are absolute") {
  const SiteOutput out = build(show_of(3));
  REQUIRE(out.errors.empty());
  const std::regex attr("(href|src|content)=\"([^\"]*)\"");
  for (const auto& [path, bytes] : out.files) {
    if (path.size() < 5 || path.substr(path.size() - 5) != ".html" || path == "site/404.html") continue;
    CAPTURE(path);
    CHECK(bytes.find("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"The Show\" "
                     "href=\"https://example.org/show/feeds/show.xml\">") != std::string::npos);
    CHECK(bytes.find("<link rel=\"icon\"") != std::string::npos);
    CHECK(bytes.find("<html lang=\"en-us\">") != std::string::npos);
    for (std::sregex_iterator it(bytes.begin(), bytes.end(), attr), end; it != end; ++it) {
      const std::string url = (*it)[2];
      if (url.rfind("https://example.org/show/", 0) != 0) continue;
      // The whole tag the absolute URL sits in.
      const size_t open = bytes.rfind('<', static_cast<size_t>(it->position()));
      const std::string tag = bytes.substr(open, bytes.find('>', open) - open);
      CAPTURE(tag);
      const bool allowed = tag.find("rel=\"canonical\"") != std::string::npos ||
                           tag.find("property=\"og:") != std::string::npos ||
                           tag.find("name=\"twitter:") != std::string::npos ||
                           tag.find("application/rss+xml") != std::string::npos ||
                           url == "https://example.org/show/feeds/show.xml" || tag.find("id=\"feed-url\"") != std::string::npos;
      CHECK(allowed);
    }
  }
  CHECK(out.files.count("site/404.html") == 1);
  CHECK(out.files.at("site/404.html").find("href=\"/show/style.css\"") != std::string::npos);
  for (const auto& [path, bytes] : out.files) {
    CHECK(path.rfind("site/", 0) == 0);
    CHECK(path.rfind("site/media/", 0) != 0);
    CHECK(path.rfind("site/feeds/", 0) != 0);
  }
}

TEST_CASE("site: the sitemap lists every page but 404.html by absolute URL, and robots.txt names it") {
  const SiteOutput out = build(show_of(3));
  REQUIRE(out.errors.empty());
  const std::string& sitemap = out.files.at("site/sitemap.xml");
  size_t pages = 0;
  for (const auto& [path, bytes] : out.files) {
    if (path.size() < 11 || path.substr(path.size() - 10) != "index.html") continue;
    ++pages;
    const std::string url = "https://example.org/show/" + path.substr(5, path.size() - 5 - 10);
    CHECK(sitemap.find("<loc>" + url + "</loc>") != std::string::npos);
  }
  CHECK(pages == 5);  // home, subscribe, 3 episodes
  CHECK(count(sitemap, "<loc>") == pages);
  CHECK(out.files.at("site/robots.txt").find("Sitemap: https://example.org/show/sitemap.xml") != std::string::npos);
}

TEST_CASE("site: the home page is paginated, and grouped by season for a serial show") {
  Show show = show_of(7);
  SiteInput in;
  in.show = &show;
  in.settings.page_size = 3;
  SiteOutput out = build_site(in);
  REQUIRE(out.errors.empty());
  CHECK(out.files.count("site/index.html") == 1);
  CHECK(out.files.count("site/page/2/index.html") == 1);
  CHECK(out.files.count("site/page/3/index.html") == 1);
  CHECK(out.files.count("site/page/4/index.html") == 0);
  const std::string& second = out.files.at("site/page/2/index.html");
  CHECK(count(second, "<li class=\"item\">") == 3);
  CHECK(second.find("href=\"../../episodes/ep4/\"") != std::string::npos);  // 7 6 5 | 4 3 2 | 1
  CHECK(second.find("<link rel=\"canonical\" href=\"https://example.org/show/page/2/\">") != std::string::npos);
  CHECK(second.find("<span aria-current=\"page\">2</span>") != std::string::npos);
  CHECK(second.find("<h2 id=\"episodes\">Episodes</h2>") != std::string::npos);

  show.type = "serial";
  out = build_site(in);
  REQUIRE(out.errors.empty());
  // Seasons: 1-3 season 1, 4-6 season 2, 7 season 3.
  const std::string& first = out.files.at("site/index.html");
  CHECK(first.find("<h2 id=\"season-3\">Season 3</h2>") != std::string::npos);
  CHECK(first.find("<h2 id=\"season-2\">Season 2</h2>") != std::string::npos);
  CHECK(first.find("<h2 id=\"season-3\">Season 3</h2>") < first.find("<h2 id=\"season-2\">Season 2</h2>"));
}

TEST_CASE("site: a template with an unknown value or a syntax error is an error naming theme/<file>:line") {
  const Show show = show_of(2);
  SiteOutput out = build(show, {{"episode.mustache", "<html>\n<body>\n{{episode.titel}}\n</body>\n"}});
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].file == "theme/episode.mustache");
  CHECK(out.errors[0].line == 3);
  CHECK(out.errors[0].message.find("unknown value 'episode.titel'") != std::string::npos);
  CHECK(out.files.empty());

  out = build(show, {{"home.mustache", "a\nb {{#show}}\nc {{/shows}}\n"}});
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].file == "theme/home.mustache");
  CHECK(out.errors[0].line == 2);
  CHECK(out.files.empty());

  out = build(show, {{"footer.mustache", "x\n{{> nowhere}}\n"}});
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].file == "theme/footer.mustache");
  CHECK(out.errors[0].line == 2);
  CHECK(out.files.empty());
}

TEST_CASE("site: a theme file replaces the default's file of that name, and other files are copied") {
  const SiteOutput out =
      build(show_of(1), {{"style.css", "body{}"}, {"logo.png", "PNG"}, {"404.mustache", "gone {{show.title}}"}});
  REQUIRE(out.errors.empty());
  CHECK(out.files.at("site/style.css") == "body{}");
  CHECK(out.files.at("site/logo.png") == "PNG");
  CHECK(out.files.at("site/404.html") == "gone The Show");
  CHECK(out.files.at("site/site.js") == podsmith::default_theme().at("site.js"));
  CHECK_FALSE(build(show_of(1), {{"media/x.css", "x"}}).errors.empty());
}

TEST_CASE("site: slugs come from the front matter or the sidecar's path, never the title, and must not clash") {
  CHECK(podsmith::slug_for_sidecar("media/2006/Ep 1 (Final!).md") == "2006/ep-1-final");
  CHECK(podsmith::slug_for_sidecar("media/x.md") == "x");
  CHECK(podsmith::is_valid_slug("2006/ep-1_b"));
  CHECK_FALSE(podsmith::is_valid_slug("/x"));
  CHECK_FALSE(podsmith::is_valid_slug("a//b"));
  CHECK_FALSE(podsmith::is_valid_slug("A"));
  CHECK_FALSE(podsmith::is_valid_slug("../x"));

  Show show = show_of(2);
  SiteInput in;
  in.show = &show;
  in.slugs["media/ep2.md"] = "the-second";
  SiteOutput out = build_site(in);
  REQUIRE(out.errors.empty());
  CHECK(out.files.count("site/episodes/the-second/index.html") == 1);
  in.slugs["media/ep2.md"] = "ep1";
  out = build_site(in);
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].file == "media/ep1.md");
  CHECK(out.errors[0].message.find("media/ep2.md") != std::string::npos);
}

TEST_CASE("site: a video episode gets a video player; a remote enclosure keeps its URL") {
  Show show = show_of(0);
  show.episodes.push_back(episode(1, "video/mp4"));
  show.episodes.push_back(episode(2));
  show.episodes[1].enclosure.url = "https://old-host.example.com/ep2.mp3";
  const SiteOutput out = build(show);
  REQUIRE(out.errors.empty());
  CHECK(out.files.at("site/episodes/ep1/index.html").find("<video controls preload=\"none\" src=\"../../media/ep1.mp4\"") !=
        std::string::npos);
  CHECK(count(out.files.at("site/episodes/ep1/index.html"), "<audio") == 0);
  CHECK(out.files.at("site/episodes/ep2/index.html")
            .find("<audio controls preload=\"none\" src=\"https://old-host.example.com/ep2.mp3\"") != std::string::npos);
}

TEST_CASE("site: the subscribe page lists the directories given and the other feeds") {
  const Show show = show_of(1);
  SiteInput in;
  in.show = &show;
  in.settings.spotify = "https://open.spotify.com/show/x";
  in.settings.overcast = "https://overcast.fm/itunes1";
  in.alternates.push_back({"The Show (video)", "https://example.org/show/feeds/video.xml", "video"});
  const SiteOutput out = build_site(in);
  REQUIRE(out.errors.empty());
  const std::string& page = out.files.at("site/subscribe/index.html");
  CHECK(page.find("<a href=\"https://open.spotify.com/show/x\">Spotify</a>") != std::string::npos);
  CHECK(page.find("<a href=\"https://overcast.fm/itunes1\">Overcast</a>") != std::string::npos);
  CHECK(page.find("Apple Podcasts") == std::string::npos);
  CHECK(page.find("href=\"podcast://example.org/show/feeds/show.xml\"") != std::string::npos);
  CHECK(page.find("<a href=\"https://example.org/show/feeds/video.xml\">The Show (video)</a> (video)") != std::string::npos);
  CHECK(page.find("<label for=\"feed-url\">") != std::string::npos);
}

TEST_CASE("site: the same show gives the same bytes") {
  const Show show = show_of(4);
  CHECK(build(show).files == build(show).files);
}
