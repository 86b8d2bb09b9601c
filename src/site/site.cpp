#include "podsmith/site/site.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "base/json_writer.h"
#include "podsmith/base/dates.h"
#include "podsmith/base/text.h"
#include "podsmith/site/cues.h"
#include "site/theme.h"

namespace podsmith {
namespace {

using site::Theme;
using site::Value;

constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string two_digits(int64_t n) { return (n < 10 ? "0" : "") + std::to_string(n); }

// "1:02:03" or "3:07".
std::string clock_text(int64_t ms) {
  const int64_t s = ms / 1000;
  if (s >= 3600) return std::to_string(s / 3600) + ":" + two_digits(s / 60 % 60) + ":" + two_digits(s % 60);
  return std::to_string(s / 60) + ":" + two_digits(s % 60);
}

// Seconds as the shortest decimal: 83500 -> "83.5", 60000 -> "60".
std::string seconds_text(int64_t ms) {
  std::string out = std::to_string(ms / 1000);
  int64_t frac = ms % 1000;
  if (frac == 0) return out;
  std::string digits = std::to_string(frac);
  digits.insert(0, 3 - digits.size(), '0');
  while (digits.back() == '0') digits.pop_back();
  return out + "." + digits;
}

// ISO 8601, as schema.org's duration: "PT1H2M3S", "PT0S".
std::string iso_duration(int64_t ms) {
  const int64_t s = ms / 1000;
  std::string out = "PT";
  if (s >= 3600) out += std::to_string(s / 3600) + "H";
  if (s % 3600 >= 60) out += std::to_string(s / 60 % 60) + "M";
  if (s % 60 != 0 || s == 0) out += std::to_string(s % 60) + "S";
  return out;
}

std::string date_text(const Timestamp& t) {
  const CivilTime c = to_civil(t);
  return std::to_string(c.day) + " " + kMonths[(c.month - 1) % 12] + " " + std::to_string(c.year);
}

std::string date_only(const Timestamp& t) {
  const CivilTime c = to_civil(t);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(c.year), c.month, c.day);
  return buf;
}

std::string size_text(int64_t bytes) {
  char buf[32];
  if (bytes >= 1'000'000) {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%lld kB", static_cast<long long>((bytes + 999) / 1000));
  }
  return buf;
}

std::string format_name(const std::string& mime) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"audio/mpeg", "MP3"},          {"audio/mp4", "M4A"},      {"audio/x-m4a", "M4A"},     {"audio/aac", "AAC"},
      {"audio/ogg", "Ogg"},           {"audio/opus", "Opus"},    {"audio/flac", "FLAC"},     {"audio/x-flac", "FLAC"},
      {"audio/wav", "WAV"},           {"audio/x-wav", "WAV"},    {"audio/aiff", "AIFF"},     {"video/mp4", "MP4 video"},
      {"video/x-m4v", "M4V video"},   {"video/quicktime", "QuickTime video"},
      {"text/vtt", "WebVTT"},         {"application/x-subrip", "SRT"}, {"application/json", "JSON"},
      {"text/html", "HTML"},          {"text/plain", "text"}};
  for (const auto& [type, name] : kNames)
    if (mime == type) return name;
  return mime;
}

// Text cut at a word boundary to about `max_bytes`, with an ellipsis when cut.
std::string shorten(std::string_view text, size_t max_bytes) {
  text = trim(text);
  if (text.size() <= max_bytes) return std::string(text);
  std::string_view cut = utf8_prefix(text, max_bytes);
  const size_t space = cut.find_last_of(" \n\t");
  if (space != std::string_view::npos && space > max_bytes / 2) cut = cut.substr(0, space);
  while (!cut.empty() && (cut.back() == ',' || cut.back() == '.' || cut.back() == ';' || cut.back() == ':' ||
                          cut.back() == ' '))
    cut.remove_suffix(1);
  return std::string(cut) + "\xE2\x80\xA6";
}

// One line: runs of whitespace as one space.
std::string one_line(std::string_view text) {
  std::string out;
  bool space = false;
  for (const char c : trim(text)) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = true;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// The notes' headings moved down so the first level they use is h3: the page
// has its h1 and the notes their h2 ("Show notes"), and headings stay in order.
std::string shift_headings(const std::string& html) {
  int top = 7;
  for (size_t at = html.find("<h"); at != std::string::npos; at = html.find("<h", at + 2)) {
    if (at + 3 < html.size() && html[at + 2] >= '1' && html[at + 2] <= '6' && html[at + 3] == '>')
      top = std::min(top, html[at + 2] - '0');
  }
  if (top >= 3) return html;
  const int shift = 3 - top;
  std::string out;
  out.reserve(html.size());
  for (size_t i = 0; i < html.size(); ++i) {
    out += html[i];
    const bool open = html.compare(i, 2, "<h") == 0;
    const bool close = html.compare(i, 3, "</h") == 0;
    if (!open && !close) continue;
    const size_t digit = i + (open ? 2 : 3);
    if (digit + 1 < html.size() && html[digit] >= '1' && html[digit] <= '6' && html[digit + 1] == '>') {
      out.append(html, i + 1, digit - i - 1);
      out += static_cast<char>('0' + std::min(6, html[digit] - '0' + shift));
      i = digit;
    }
  }
  return out;
}

std::string host_of(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  std::string host = url.substr(scheme + 3);
  host = host.substr(0, host.find_first_of("/?#"));
  if (starts_with(host, "www.")) host.erase(0, 4);
  return host;
}

// "en-us" -> "en_US", for og:locale.
std::string locale_of(const std::string& language) {
  std::string out = language.empty() ? "en" : language;
  const size_t dash = out.find('-');
  if (dash != std::string::npos) {
    out[dash] = '_';
    for (size_t i = dash + 1; i < out.size(); ++i) out[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[i])));
  }
  return out;
}

// JSON for a <script> element: "</" cannot close it.
std::string script_safe(std::string json) {
  for (size_t at = json.find("</"); at != std::string::npos; at = json.find("</", at + 3)) json.insert(at + 1, "\\");
  return json;
}

struct Page {
  std::string path;       // "site/episodes/x/index.html"
  std::string root;       // from the page to the published root: "./", "../../"
  std::string canonical;  // absolute
};

class SiteBuilder {
 public:
  SiteBuilder(const SiteInput& in, const Theme& theme) : in_(in), show_(*in.show), theme_(theme) {
    base_ = show_.base_url;
    if (base_.empty() || base_.back() != '/') base_ += '/';
  }

  SiteOutput build() {
    assign_slugs();
    if (!out_.errors.empty()) return std::move(out_);
    show_value_ = show_value();
    for (const auto& [name, bytes] : theme_.assets()) out_.files["site/" + name] = bytes;
    build_home();
    for (size_t i = 0; i < show_.episodes.size() && out_.errors.empty(); ++i) build_episode(i);
    build_subscribe();
    build_404();
    build_sitemap();
    if (!out_.errors.empty()) out_.files.clear();
    return std::move(out_);
  }

 private:
  void fail(const std::string& file, std::string message) {
    out_.errors.push_back(Error{ErrorCode::kInvalidInput, std::move(message), file, 0, 0});
  }

  void assign_slugs() {
    std::map<std::string, std::string> owner;  // slug -> sidecar
    for (const Episode& ep : show_.episodes) {
      std::string slug;
      const auto given = in_.slugs.find(ep.sidecar);
      if (given != in_.slugs.end()) {
        slug = given->second;
        if (!is_valid_slug(slug)) {
          fail(ep.sidecar, "slug '" + slug + "' is not a URL path: use a-z, 0-9, - and _, in parts separated by /");
          continue;
        }
      } else {
        slug = slug_for_sidecar(ep.sidecar.empty() ? "media/" + ep.guid + ".md" : ep.sidecar);
      }
      const auto [it, fresh] = owner.emplace(slug, ep.sidecar);
      if (!fresh) {
        fail(ep.sidecar, "the episode page episodes/" + slug + "/ is also that of " + it->second +
                             "; give one of them another slug = \"...\" in its front matter");
        continue;
      }
      slugs_.push_back(slug);
    }
  }

  // A URL as a page at `root` links to it: one under base_url relative, another as it is.
  std::string link(const std::string& url, const std::string& root) const {
    if (starts_with(url, base_)) return root + url.substr(base_.size());
    return url;
  }

  std::string episode_path(size_t i) const { return "episodes/" + slugs_[i] + "/"; }

  Page page_at(const std::string& dir) const {  // dir: "" or "episodes/x/"
    Page p;
    p.path = "site/" + dir + "index.html";
    const auto depth = std::count(dir.begin(), dir.end(), '/');
    p.root = depth == 0 ? "./" : "";
    for (int k = 0; k < depth; ++k) p.root += "../";
    p.canonical = base_ + dir;
    return p;
  }

  Value show_value() const {
    Value s;
    s.set("title", show_.title);
    s.set("has_subtitle", !show_.subtitle.empty());
    s.set("subtitle", show_.subtitle);
    s.set("description_html", shift_headings(show_.description_html));
    s.set("language", show_.language.empty() ? "en" : show_.language);
    s.set("locale", locale_of(show_.language));
    s.set("feed_url", show_.feed_url);
    s.set("has_image", !show_.image.empty());
    s.set("has_copyright", !show_.copyright.empty());
    s.set("copyright", show_.copyright);
    s.set("has_license", !show_.license.empty());
    s.set("license", show_.license);
    s.set("has_license_url", !show_.license_url.empty());
    s.set("license_url", show_.license_url);
    Value funding = Value::list();
    for (const Funding& f : show_.funding) {
      Value v;
      v.set("url", f.url);
      v.set("text", f.text.empty() ? "Support the show" : f.text);
      funding.push(std::move(v));
    }
    s.set("has_funding", !show_.funding.empty());
    s.set("funding", std::move(funding));
    Value hosts = Value::list();
    std::vector<const Person*> host_list;
    for (const Person& p : show_.persons)
      if (p.role.empty() || p.role == "host") host_list.push_back(&p);
    for (size_t k = 0; k < host_list.size(); ++k) {
      Value v;
      v.set("name", host_list[k]->name);
      v.set("has_href", !host_list[k]->href.empty());
      v.set("href", host_list[k]->href);
      v.set("last", k + 1 == host_list.size());
      hosts.push(std::move(v));
    }
    s.set("has_hosts", !host_list.empty());
    s.set("hosts", std::move(hosts));
    return s;
  }

  // The show's values as seen from a page at `root` (the image's relative URL).
  Value show_at(const std::string& root) const {
    Value s = show_value_;
    s.set("image", link(show_.image, root));
    return s;
  }

  Value page_value(const Page& p, const std::string& title, const std::string& description, const std::string& og_type,
                   const std::string& image, const std::string& json_ld) const {
    Value v;
    v.set("title", title);
    v.set("description", description);
    v.set("canonical", p.canonical);
    v.set("root", p.root);
    v.set("og_type", og_type);
    v.set("has_image", !image.empty());
    v.set("image_url", image);
    v.set("has_audio", false);
    v.set("audio_url", "");
    v.set("audio_type", "");
    v.set("json_ld", json_ld);
    return v;
  }

  std::string series_json_ld() const {
    std::string json;
    JsonWriter w(&json);
    w.begin_object();
    w.key("@context").value("https://schema.org");
    w.key("@type").value("PodcastSeries");
    w.key("name").value(show_.title);
    w.key("description").value(one_line(show_.description_text));
    w.key("url").value(base_);
    w.key("webFeed").value(show_.feed_url);
    if (!show_.image.empty()) w.key("image").value(show_.image);
    if (!show_.language.empty()) w.key("inLanguage").value(show_.language);
    if (!show_.author.empty()) {
      w.key("author").begin_object().key("@type").value("Organization").key("name").value(show_.author).end_object();
    }
    w.end_object();
    return script_safe(json);
  }

  std::string description_of_show() const { return shorten(one_line(show_.description_text), 160); }

  // After the first error nothing more is rendered: a broken partial would give
  // the same error once for every page.
  void render(const std::string& tmpl, const std::string& path, const Value& v) {
    if (!out_.errors.empty()) return;
    auto html = theme_.render(tmpl, v);
    if (!html) {
      out_.errors.push_back(html.error());
      return;
    }
    out_.files[path] = std::move(*html);
  }

  Value item_value(size_t i, const std::string& root) const {
    const Episode& ep = show_.episodes[i];
    Value v;
    v.set("url", root + episode_path(i));
    v.set("title", ep.title);
    const std::string image = ep.image.empty() ? show_.image : ep.image;
    v.set("has_image", !ep.image.empty());
    v.set("image", link(image, root));
    v.set("has_date", ep.date.has_value());
    v.set("date_iso", ep.date ? format_rfc3339(*ep.date) : "");
    v.set("date_text", ep.date ? date_text(*ep.date) : "");
    v.set("duration_text", clock_text(ep.duration_ms));
    std::string number;
    if (ep.season) number += "Season " + std::to_string(*ep.season);
    if (ep.episode) number += (number.empty() ? "Episode " : ", episode ") + std::to_string(*ep.episode);
    v.set("has_number", !number.empty());
    v.set("number_text", number);
    v.set("is_trailer", ep.episode_type == "trailer");
    v.set("is_bonus", ep.episode_type == "bonus");
    const std::string summary = shorten(one_line(ep.summary_text), 240);
    v.set("has_summary", !summary.empty());
    v.set("summary", summary);
    return v;
  }

  void build_home() {
    const size_t n = show_.episodes.size();
    const size_t size = static_cast<size_t>(std::max(1, in_.settings.page_size));
    const size_t pages = std::max<size_t>(1, (n + size - 1) / size);
    const bool serial = show_.type == "serial";
    for (size_t page = 1; page <= pages; ++page) {
      const std::string dir = page == 1 ? "" : "page/" + std::to_string(page) + "/";
      const Page p = page_at(dir);
      Value v;
      v.set("show", show_at(p.root));
      std::string title = show_.title;
      if (page > 1) title += " - page " + std::to_string(page);
      v.set("page", page_value(p, title, description_of_show(), "website", show_.image, series_json_ld()));
      Value groups = Value::list();
      Value group;
      Value items = Value::list();
      std::optional<int> season;
      const auto close_group = [&] {
        if (items.empty_list()) return;
        group.set("episodes", std::move(items));
        groups.push(std::move(group));
        group = Value();
        items = Value::list();
      };
      for (size_t i = (page - 1) * size; i < std::min(n, page * size); ++i) {
        const Episode& ep = show_.episodes[i];
        if (items.empty_list() || (serial && ep.season != season)) {
          close_group();
          season = ep.season;
          const bool by_season = serial && ep.season;
          group.set("id", by_season ? "season-" + std::to_string(*ep.season) : "episodes");
          group.set("heading", by_season ? "Season " + std::to_string(*ep.season) : "Episodes");
        }
        items.push(item_value(i, p.root));
      }
      close_group();
      v.set("groups", std::move(groups));
      v.set("has_pages", pages > 1);
      const auto page_url = [&](size_t k) { return p.root + (k == 1 ? "" : "page/" + std::to_string(k) + "/"); };
      Value list = Value::list();
      for (size_t k = 1; k <= pages; ++k) {
        Value e;
        e.set("number", std::to_string(k));
        e.set("url", page_url(k));
        e.set("current", k == page);
        list.push(std::move(e));
      }
      v.set("pages", std::move(list));
      v.set("has_newer_page", page > 1);
      v.set("newer_page", page > 1 ? page_url(page - 1) : "");
      v.set("has_older_page", page < pages);
      v.set("older_page", page < pages ? page_url(page + 1) : "");
      render("home.mustache", p.path, v);
      sitemap_.push_back({p.canonical, !show_.episodes.empty() && show_.episodes[0].date
                                           ? date_only(*show_.episodes[0].date)
                                           : ""});
    }
  }

  // The path under the workspace of a URL under base_url; empty for another URL.
  std::string workspace_path(const std::string& url) const {
    if (!starts_with(url, base_)) return {};
    return percent_decode(url.substr(base_.size())).value_or("");
  }

  std::string episode_json_ld(const Episode& ep, const std::string& url) const {
    std::string json;
    JsonWriter w(&json);
    w.begin_object();
    w.key("@context").value("https://schema.org");
    w.key("@type").value("PodcastEpisode");
    w.key("name").value(ep.title);
    w.key("url").value(url);
    if (ep.date) w.key("datePublished").value(format_rfc3339(*ep.date));
    if (!ep.summary_text.empty()) w.key("description").value(shorten(one_line(ep.summary_text), 500));
    w.key("duration").value(iso_duration(ep.duration_ms));
    if (ep.episode) w.key("episodeNumber").value(*ep.episode);
    if (ep.season) {
      w.key("partOfSeason").begin_object().key("@type").value("PodcastSeason");
      w.key("seasonNumber").value(*ep.season).end_object();
    }
    const std::string image = ep.image.empty() ? show_.image : ep.image;
    if (!image.empty()) w.key("image").value(image);
    w.key("associatedMedia").begin_object();
    w.key("@type").value(starts_with(ep.enclosure.type, "video/") ? "VideoObject" : "AudioObject");
    w.key("contentUrl").value(ep.enclosure.url);
    w.key("encodingFormat").value(ep.enclosure.type);
    if (ep.enclosure.length_bytes > 0) w.key("contentSize").value(std::to_string(ep.enclosure.length_bytes));
    w.key("duration").value(iso_duration(ep.duration_ms));
    w.end_object();
    w.key("partOfSeries").begin_object();
    w.key("@type").value("PodcastSeries").key("name").value(show_.title).key("url").value(base_);
    w.key("webFeed").value(show_.feed_url).end_object();
    w.end_object();
    return script_safe(json);
  }

  void build_episode(size_t i) {
    const Episode& ep = show_.episodes[i];
    const std::string dir = episode_path(i);
    const Page p = page_at(dir);
    Value v;
    v.set("show", show_at(p.root));
    const std::string description = shorten(one_line(ep.summary_text.empty() ? ep.title : ep.summary_text), 160);
    const std::string image = ep.image.empty() ? show_.image : ep.image;
    Value page = page_value(p, ep.title + " - " + show_.title, description, "article", image,
                            episode_json_ld(ep, p.canonical));
    page.set("has_audio", !starts_with(ep.enclosure.type, "video/"));
    page.set("audio_url", ep.enclosure.url);
    page.set("audio_type", ep.enclosure.type);
    v.set("page", std::move(page));

    Value e = item_value(i, p.root);
    const std::string language = show_.language.empty() ? "en" : show_.language;
    e.set("language", language);
    e.set("is_explicit", ep.explicit_content.value_or(false));
    const bool video = starts_with(ep.enclosure.type, "video/");
    e.set("is_video", video);
    e.set("has_poster", video && !image.empty());
    e.set("has_image", !image.empty());
    e.set("image", link(image, p.root));
    e.set("media_src", link(ep.enclosure.url, p.root));
    e.set("size_text", size_text(ep.enclosure.length_bytes));
    e.set("format", format_name(ep.enclosure.type));
    e.set("notes_html", shift_headings(ep.notes_html));

    // Chapters: the list, and a WebVTT chapters track beside the page.
    Value chapters = Value::list();
    std::vector<Cue> chapter_cues;
    for (size_t k = 0; k < ep.chapters.size(); ++k) {
      const Chapter& c = ep.chapters[k];
      Value cv;
      cv.set("start", seconds_text(c.start_ms));
      cv.set("time", clock_text(c.start_ms));
      cv.set("title", c.title);
      cv.set("has_url", !c.url.empty());
      cv.set("url", c.url);
      cv.set("url_host", host_of(c.url));
      chapters.push(std::move(cv));
      int64_t end = c.end_ms > c.start_ms ? c.end_ms
                    : k + 1 < ep.chapters.size() ? ep.chapters[k + 1].start_ms
                                                 : ep.duration_ms;
      chapter_cues.push_back(Cue{c.start_ms, std::max(end, c.start_ms), c.title, ""});
    }
    e.set("has_chapters", !ep.chapters.empty());
    e.set("chapters", std::move(chapters));
    if (!chapter_cues.empty()) out_.files["site/" + dir + "chapters.vtt"] = write_webvtt(chapter_cues);

    // Transcripts: the first with timed cues is shown and is the captions track;
    // the others (and any that cannot be read here) are linked.
    Value cues = Value::list();
    Value links = Value::list();
    bool shown = false;
    std::string captions_src, captions_language;
    for (const Transcript& t : ep.transcripts) {
      const std::string path = workspace_path(t.url);
      const auto file = in_.files && !path.empty() ? in_.files->find(path) : std::map<std::string, std::string>::const_iterator{};
      const bool have = in_.files && !path.empty() && file != in_.files->end();
      if (!shown && have && is_cue_type(t.type)) {
        auto parsed = parse_cues(file->second, t.type, t.source.empty() ? path : t.source);
        if (!parsed) {
          out_.errors.push_back(parsed.error());
          return;
        }
        shown = true;
        for (const Cue& c : *parsed) {
          Value cv;
          cv.set("start", seconds_text(c.start_ms));
          cv.set("time", clock_text(c.start_ms));
          cv.set("has_voice", !c.voice.empty());
          cv.set("voice", c.voice);
          cv.set("text", c.text);
          cues.push(std::move(cv));
        }
        if (t.type.find("vtt") != std::string::npos) {
          captions_src = link(t.url, p.root);
        } else {
          out_.files["site/" + dir + "captions.vtt"] = write_webvtt(*parsed);
          captions_src = "captions.vtt";
        }
        captions_language = t.language.empty() ? language : t.language;
      }
      Value lv;
      lv.set("url", link(t.url, p.root));
      lv.set("format", format_name(t.type));
      links.push(std::move(lv));
    }
    e.set("has_transcript", !ep.transcripts.empty());
    e.set("cues", std::move(cues));
    e.set("transcript_links", std::move(links));
    e.set("has_captions", !captions_src.empty());
    e.set("captions_src", captions_src);
    e.set("captions_language", captions_language);

    Value persons = Value::list();
    for (const Person& person : ep.persons) {
      Value pv;
      pv.set("name", person.name);
      pv.set("role", person.role.empty() ? "host" : person.role);
      pv.set("has_href", !person.href.empty());
      pv.set("href", person.href);
      persons.push(std::move(pv));
    }
    e.set("has_persons", !ep.persons.empty());
    e.set("persons", std::move(persons));

    // Neighbours: the list is newest first.
    const bool newer = i > 0, older = i + 1 < show_.episodes.size();
    e.set("has_neighbours", newer || older);
    e.set("has_newer", newer);
    e.set("has_older", older);
    const auto neighbour = [&](size_t k) {
      Value nv;
      nv.set("url", p.root + episode_path(k));
      nv.set("title", show_.episodes[k].title);
      return nv;
    };
    e.set("newer", newer ? neighbour(i - 1) : Value());
    e.set("older", older ? neighbour(i + 1) : Value());
    v.set("episode", std::move(e));
    render("episode.mustache", p.path, v);
    sitemap_.push_back({p.canonical, ep.date ? date_only(*ep.date) : ""});
  }

  void build_subscribe() {
    const Page p = page_at("subscribe/");
    Value v;
    v.set("show", show_at(p.root));
    v.set("page", page_value(p, "Subscribe to " + show_.title, "How to follow " + show_.title + " in a podcast app.",
                             "website", show_.image, series_json_ld()));
    std::string podcast_url = show_.feed_url;
    for (const char* scheme : {"https://", "http://"})
      if (starts_with(podcast_url, scheme)) podcast_url = "podcast://" + podcast_url.substr(std::string(scheme).size());
    v.set("podcast_url", podcast_url);
    const SiteSettings& s = in_.settings;
    const std::pair<const char*, const std::string*> directories[] = {
        {"Apple Podcasts", &s.apple_podcasts}, {"Spotify", &s.spotify},     {"Pocket Casts", &s.pocket_casts},
        {"Overcast", &s.overcast},             {"AntennaPod", &s.antennapod}, {"YouTube", &s.youtube},
        {"Podcast Index", &s.podcast_index}};
    Value list = Value::list();
    bool any = false;
    for (const auto& [name, url] : directories) {
      if (url->empty()) continue;
      any = true;
      Value d;
      d.set("name", name);
      d.set("url", *url);
      list.push(std::move(d));
    }
    v.set("has_directories", any);
    v.set("directories", std::move(list));
    Value alternates = Value::list();
    for (const FeedLink& f : in_.alternates) {
      Value a;
      a.set("title", f.title);
      a.set("url", f.url);
      a.set("has_medium", !f.medium.empty() && f.medium != "podcast");
      a.set("medium", f.medium);
      alternates.push(std::move(a));
    }
    v.set("has_alternates", !in_.alternates.empty());
    v.set("alternates", std::move(alternates));
    render("subscribe.mustache", p.path, v);
    sitemap_.push_back({p.canonical, ""});
  }

  void build_404() {
    // Served for any missing path, at any depth: its links start at the root of
    // base_url's path ("/" for https://example.org/) instead of being relative.
    Page p;
    p.path = "site/404.html";
    const size_t scheme = base_.find("://");
    const size_t slash = scheme == std::string::npos ? std::string::npos : base_.find('/', scheme + 3);
    p.root = slash == std::string::npos ? "/" : base_.substr(slash);
    p.canonical = base_ + "404.html";
    Value v;
    v.set("show", show_at(p.root));
    v.set("page", page_value(p, "Page not found - " + show_.title, description_of_show(), "website", show_.image,
                             series_json_ld()));
    render("404.mustache", p.path, v);
  }

  void build_sitemap() {
    Value urls = Value::list();
    for (const auto& [loc, lastmod] : sitemap_) {
      Value u;
      u.set("loc", loc);
      u.set("has_lastmod", !lastmod.empty());
      u.set("lastmod", lastmod);
      urls.push(std::move(u));
    }
    Value v;
    v.set("urls", std::move(urls));
    render("sitemap.xml.mustache", "site/sitemap.xml", v);
    Value r;
    r.set("sitemap_url", base_ + "sitemap.xml");
    render("robots.txt.mustache", "site/robots.txt", r);
  }

  const SiteInput& in_;
  const Show& show_;
  const Theme& theme_;
  std::string base_;
  std::vector<std::string> slugs_;  // of show_.episodes, in order
  Value show_value_;
  std::vector<std::pair<std::string, std::string>> sitemap_;  // (loc, lastmod)
  SiteOutput out_;
};

}  // namespace

std::string slug_for_sidecar(const std::string& sidecar) {
  std::string_view p = sidecar;
  if (starts_with(p, "media/")) p.remove_prefix(6);
  if (p.size() > 3 && p.substr(p.size() - 3) == ".md") p.remove_suffix(3);
  std::string out;
  bool dash = false;
  for (const char raw : p) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(raw)));
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (c == '/') {
      while (!out.empty() && out.back() == '-') out.pop_back();
      if (!out.empty() && out.back() != '/') out += '/';
      dash = false;
    } else if (keep) {
      if (dash && !out.empty() && out.back() != '/') out += '-';
      dash = false;
      out += c;
    } else {
      dash = true;
    }
  }
  while (!out.empty() && (out.back() == '/' || out.back() == '-')) out.pop_back();
  return out.empty() ? "episode" : out;
}

bool is_valid_slug(const std::string& slug) {
  if (slug.empty() || slug.front() == '/' || slug.back() == '/' || slug.find("//") != std::string::npos) return false;
  return std::all_of(slug.begin(), slug.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '/';
  });
}

SiteOutput build_site(const SiteInput& input) {
  const Theme theme(input.theme);
  if (!theme.errors().empty()) return SiteOutput{{}, theme.errors()};
  return SiteBuilder(input, theme).build();
}

}  // namespace podsmith
