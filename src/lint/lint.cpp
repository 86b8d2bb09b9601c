// The linter's engine: picks the rules of the selected sets, runs each on the
// document, sorts the findings; and the three output formats. The rules themselves
// live in lint_rules_*.cpp.
#include "podsmith/lint/lint.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <nlohmann/json.hpp>
#include <tuple>

#include "base/json_writer.h"
#include "lint/lint_rules.h"
#include "podsmith/base/dates.h"
#include "podsmith/base/text.h"

namespace podsmith {
namespace lint {

namespace {

constexpr std::array<std::pair<std::string_view, unsigned>, 6> kSetNames = {{
    {"rss", kRss},
    {"apple", kApple},
    {"psp1", kPsp1},
    {"podcastindex", kPodcastIndex},
    {"spotify", kSpotify},
    {"loudness", kLoudness},
}};

std::array<std::span<const Rule>, 4> offline_families() {
  return {rss_and_psp1_rules(), apple_rules(), podcastindex_rules(), spotify_rules()};
}

}  // namespace

// Whether `n` is the literal `lit`: a comparison of known length, which the compiler
// does inline.
template <size_t N>
bool is_name(std::string_view n, const char (&lit)[N]) {
  return n.size() == N - 1 && std::memcmp(n.data(), lit, N - 1) == 0;
}

// Called for every child of every item: by the name's length first, so that most
// names are compared with one or two candidates, not twenty.
Tag tag_of(const FeedElement& e) {
  const std::string_view n = e.name();
  if (e.ns().empty()) {
    switch (n.size()) {
      case 4: return is_name(n, "link") ? kLink : is_name(n, "guid") ? kGuid : kTagCount;
      case 5: return is_name(n, "title") ? kTitle : kTagCount;
      case 7: return is_name(n, "pubDate") ? kPubDate : kTagCount;
      case 9: return is_name(n, "enclosure") ? kEnclosure : kTagCount;
      case 11: return is_name(n, "description") ? kDescription : kTagCount;
      default: return kTagCount;
    }
  }
  // The reader interns namespace URIs as these constants: mostly the same pointer.
  const auto is = [&e](std::string_view ns) {
    return (e.ns().data() == ns.data() && e.ns().size() == ns.size()) || e.ns() == ns;
  };
  if (is(kItunesNs)) {
    switch (n.size()) {
      case 5:
        return is_name(n, "title")   ? kItunesTitle
               : is_name(n, "image") ? kItunesImage
               : is_name(n, "block") ? kItunesBlock
                                     : kTagCount;
      case 6: return is_name(n, "author") ? kItunesAuthor : is_name(n, "season") ? kItunesSeason : kTagCount;
      case 7: return is_name(n, "summary") ? kItunesSummary : is_name(n, "episode") ? kItunesEpisode : kTagCount;
      case 8:
        return is_name(n, "subtitle")   ? kItunesSubtitle
               : is_name(n, "duration") ? kItunesDuration
               : is_name(n, "explicit") ? kItunesExplicit
                                        : kTagCount;
      case 11: return is_name(n, "episodeType") ? kItunesEpisodeType : kTagCount;
      case 12: return is_name(n, "new-feed-url") ? kItunesNewFeedUrl : kTagCount;
      default: return kTagCount;
    }
  }
  if (is(kPodcastNs)) {
    if (is_name(n, "chapters")) return kPodcastChapters;
    if (is_name(n, "transcript")) return kPodcastTranscript;
    if (is_name(n, "season")) return kPodcastSeason;
    if (is_name(n, "episode")) return kPodcastEpisode;
    return kTagCount;
  }
  if (is(kContentNs) && is_name(n, "encoded")) return kContentEncoded;
  return kTagCount;
}

TagChildren Item::all(Tag tag) const {
  if (count[tag] <= 1) return TagChildren((*this)[tag]);
  for (size_t i = 0; i < repeated_at_.size(); ++i) {
    if (repeated_at_[i].first != tag) continue;
    const size_t end = i + 1 < repeated_at_.size() ? repeated_at_[i + 1].second : repeated_.size();
    return TagChildren(std::span<const FeedElement* const>(repeated_.data() + repeated_at_[i].second,
                                                           end - repeated_at_[i].second));
  }
  return {};
}

Check::Check(const FeedDocument& doc, const LintOptions& options, std::vector<Finding>* out)
    : doc_(doc), options_(options), out_(out) {
  items_.reserve(doc.items.size());
  if (!doc.channel) return;
  for (const FeedElement& c : doc.channel->children()) {
    if (c.ns().empty() && c.name() == "item") continue;
    bool seen = false;
    for (const ChannelChild& known : channel_children_) seen = seen || (known.name == c.name() && known.ns == c.ns());
    if (!seen) channel_children_.push_back({c.ns(), c.name(), &c});
  }
}

const FeedElement* Check::channel_child(std::string_view ns, std::string_view name) const {
  for (const ChannelChild& c : channel_children_)
    if (c.name == name && c.ns == ns) return c.element;
  return nullptr;
}

const Item& Check::add_item(const FeedElement& e) {
  Item& item = items_.emplace_back();
  item.element = &e;
  bool repeats = false;
  const std::span<const FeedElement> children = e.children();
  for (size_t i = 0; i < children.size(); ++i) {
    const FeedElement& c = children[i];
    const Tag tag = tag_of(c);
    if (tag == kTagCount) continue;
    if (item.count[tag] == 0) item.first_at_[tag] = static_cast<uint32_t>(i + 1);
    else repeats = true;
    if (item.count[tag] < 255) ++item.count[tag];
  }
  if (repeats) {
    for (size_t tag = 0; tag < kTagCount; ++tag) {
      if (item.count[tag] < 2) continue;
      item.repeated_at_.emplace_back(static_cast<Tag>(tag), static_cast<uint32_t>(item.repeated_.size()));
      for (const FeedElement& c : e.children())
        if (tag_of(c) == tag) item.repeated_.push_back(&c);
    }
  }
  return item;
}

std::optional<Timestamp> Check::date(const FeedElement* e) {
  if (!e) return std::nullopt;
  if (e != dated_) {
    dated_ = e;
    date_ = parse_rfc822(value(e));
  }
  return date_;
}

void Check::report(const FeedElement* at, std::string message, std::string hint) {
  report_at(at ? at->at : SourcePosition{}, std::move(message), std::move(hint));
}

void Check::report_at(SourcePosition at, std::string message, std::string hint) {
  Finding f;
  f.rule = std::string(rule_->id);
  f.severity = rule_->severity;
  f.file = options_.file;
  f.line = at.line;
  f.column = at.column;
  f.message = std::move(message);
  f.hint = std::move(hint);
  out_->push_back(std::move(f));
}

unsigned selected_sets(const std::vector<std::string>& names) {
  if (names.empty()) return kAllSets;
  unsigned bits = 0;
  for (const std::string& name : names)
    for (const auto& [set, bit] : kSetNames)
      if (name == set) bits |= bit;
  return bits;
}

const Rule* find_rule(std::string_view id) {
  for (std::span<const Rule> family : offline_families())
    for (const Rule& r : family)
      if (r.id == id) return &r;
  for (const Rule& r : online_rules())
    if (r.id == id) return &r;
  return nullptr;
}

std::string element_name(const FeedElement& e) {
  std::string out = "<";
  if (!e.prefix().empty()) out.append(e.prefix()).append(":");
  return out.append(e.name()).append(">");
}

std::string_view value(const FeedElement* e) { return e ? trim(e->text()) : std::string_view(); }

std::string_view attr(const FeedElement* e, std::string_view name) {
  if (!e) return {};
  const std::string_view* v = e->attribute(name);
  return v ? trim(*v) : std::string_view();
}

std::string quote(std::string_view s) {
  constexpr size_t kMaxBytes = 60;
  if (s.size() <= kMaxBytes) return "\"" + std::string(s) + "\"";
  return "\"" + std::string(utf8_prefix(s, kMaxBytes)) + "…\"";
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string url_scheme(std::string_view url) {
  const size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  for (size_t i = 0; i < colon; ++i) {
    const char c = url[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alpha && (i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) return {};
  }
  return ascii_lower(url.substr(0, colon));
}

std::string url_extension(std::string_view url) {
  size_t end = 0;  // of the path: the query or fragment starts at '?' or '#'
  while (end < url.size() && url[end] != '?' && url[end] != '#') ++end;
  std::string_view path = url.substr(0, end);
  const size_t authority = path.find("://");
  if (authority != std::string_view::npos) {
    const size_t slash = path.find('/', authority + 3);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  const size_t last_slash = path.rfind('/');
  const std::string_view segment = last_slash == std::string_view::npos ? path : path.substr(last_slash + 1);
  const size_t dot = segment.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == segment.size()) return {};
  return ascii_lower(segment.substr(dot + 1));
}

bool is_email(std::string_view s) {
  const size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) return false;
  if (ascii_lower(s.substr(0, 7)) == "mailto:") return false;
  const std::string_view local = s.substr(0, at);
  const std::string_view domain = s.substr(at + 1);
  for (char c : local)
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';' ||
        c == ':' || c == '"' || c == '[' || c == ']' || c == '\\')
      return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  // domain: labels of letters, digits and hyphens (or non-ASCII), at least two.
  if (domain.empty() || domain.find('.') == std::string_view::npos) return false;
  size_t label = 0;
  for (size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      if (label == 0 || domain[i - 1] == '-' || domain[i - label] == '-') return false;
      label = 0;
      continue;
    }
    const auto c = static_cast<unsigned char>(domain[i]);
    if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
      return false;
    ++label;
  }
  return true;
}

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads digits at s[*i...]; their count goes to *n.
int64_t read_digits(std::string_view s, size_t* i, size_t* n) {
  int64_t v = 0;
  *n = 0;
  while (*i < s.size() && is_digit(s[*i]) && *n < 12) {
    v = v * 10 + (s[*i] - '0');
    ++*i;
    ++*n;
  }
  return v;
}

void skip_spaces(std::string_view s, size_t* i) {
  while (*i < s.size() && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\r' || s[*i] == '\n')) ++*i;
}

std::string_view read_word(std::string_view s, size_t* i) {
  const size_t start = *i;
  while (*i < s.size() && ((s[*i] >= 'a' && s[*i] <= 'z') || (s[*i] >= 'A' && s[*i] <= 'Z'))) ++*i;
  return s.substr(start, *i - start);
}

constexpr std::array<std::string_view, 7> kDays = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> kDayNames = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};

}  // namespace

std::optional<std::string> rfc2822_problem(std::string_view text, const Timestamp& parsed) {
  const std::string_view s = trim(text);
  if (s.size() >= 10 && is_digit(s[0]) && is_digit(s[3]) && s[4] == '-') return "it is ISO 8601, not RFC 2822";
  size_t i = 0;
  int named_day = -1;
  std::string_view word = read_word(s, &i);
  if (!word.empty()) {
    const std::string lower = ascii_lower(word);
    for (size_t d = 0; d < kDays.size(); ++d)
      if (lower == kDays[d]) named_day = static_cast<int>(d);
    if (named_day < 0) return "the day name " + quote(word) + " is not a three-letter day (Mon, Tue, ...)";
    if (i >= s.size() || s[i] != ',') return "the day name must be followed by a comma";
    ++i;
    skip_spaces(s, &i);
  }
  size_t n = 0;
  read_digits(s, &i, &n);
  if (n < 1 || n > 2) return "the day of the month must come first, in one or two digits";
  skip_spaces(s, &i);
  word = read_word(s, &i);
  bool month_ok = false;
  for (std::string_view m : kMonths) month_ok = month_ok || ascii_lower(word) == m;
  if (!month_ok) return "the month must be a three-letter name (Jan, Feb, ...), not " + quote(word);
  skip_spaces(s, &i);
  read_digits(s, &i, &n);
  if (n != 4) return "the year must have four digits";
  skip_spaces(s, &i);
  read_digits(s, &i, &n);
  if (n != 2 || i >= s.size() || s[i] != ':') return "the time must be HH:MM or HH:MM:SS";
  ++i;
  read_digits(s, &i, &n);
  if (n != 2) return "the time must be HH:MM or HH:MM:SS";
  if (i < s.size() && s[i] == ':') {
    ++i;
    read_digits(s, &i, &n);
    if (n != 2) return "the seconds must have two digits";
  }
  skip_spaces(s, &i);
  if (i >= s.size()) return "the time zone is missing";
  if (s[i] == '+' || s[i] == '-') {
    ++i;
    read_digits(s, &i, &n);
    if (n != 4) return "the zone offset must be four digits, as +0000 or -0800";
  } else {
    const size_t zone_start = i;
    const std::string_view zone = read_word(s, &i);
    static constexpr std::array<std::string_view, 10> kObsolete = {"gmt", "ut",  "est", "edt", "cst",
                                                                   "cdt", "mst", "mdt", "pst", "pdt"};
    if (std::find(kObsolete.begin(), kObsolete.end(), ascii_lower(zone)) == kObsolete.end())
      return "the zone " + quote(zone.empty() ? s.substr(zone_start) : zone) + " is not an RFC 2822 zone";
  }
  skip_spaces(s, &i);
  if (i < s.size() && s[i] == '(') {  // a trailing comment such as "(PST)"
    const size_t close = s.find(')', i);
    if (close != std::string_view::npos) i = close + 1;
    skip_spaces(s, &i);
  }
  if (i != s.size()) return "unexpected " + quote(s.substr(i)) + " after the zone";
  if (named_day >= 0) {
    const int actual = to_civil(parsed).weekday;
    if (actual != named_day)
      return "it names " + std::string(kDayNames[static_cast<size_t>(named_day)]) + " but the date is a " +
             std::string(kDayNames[static_cast<size_t>(actual)]);
  }
  return std::nullopt;
}

std::optional<double> parse_duration_seconds(std::string_view text) {
  const std::string_view s = trim(text);
  if (s.empty()) return std::nullopt;
  int64_t parts[3] = {0, 0, 0};
  size_t digits[3] = {0, 0, 0};
  int count = 0;
  size_t i = 0;
  double fraction = 0;
  for (;;) {
    if (count == 3) return std::nullopt;
    parts[count] = read_digits(s, &i, &digits[count]);
    if (digits[count] == 0) return std::nullopt;
    ++count;
    if (i == s.size()) break;
    if (s[i] == ':') {
      ++i;
      continue;
    }
    if (s[i] != '.') return std::nullopt;
    ++i;
    double scale = 0.1;
    const size_t start = i;
    while (i < s.size() && is_digit(s[i])) {
      fraction += (s[i++] - '0') * scale;
      scale /= 10;
    }
    if (i == start || i != s.size()) return std::nullopt;
    break;
  }
  for (int k = 1; k < count; ++k)
    if (digits[k] != 2 || parts[k] >= 60) return std::nullopt;
  double seconds = 0;
  for (int k = 0; k < count; ++k) seconds = seconds * 60 + static_cast<double>(parts[k]);
  return seconds + fraction;
}

const FeedElement* self_link(const FeedElement& channel) {
  for (const FeedElement* link : channel.children_named(kAtomNs, "link"))
    if (iequals(attr(link, "rel"), "self") && link->attribute("href")) return link;
  return nullptr;
}

std::string feed_url(const Check& c) {
  if (!c.options().fetched_from.empty()) return c.options().fetched_from;
  return std::string(attr(self_link(c.channel()), "href"));
}

}  // namespace lint

const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "info";
  }
  return "error";
}

namespace {

std::vector<std::string> set_names(unsigned bits) {
  std::vector<std::string> out;
  for (const auto& [name, bit] : lint::kSetNames)
    if (bits & bit) out.emplace_back(name);
  return out;
}

RuleInfo info_of(const lint::Rule& r, bool online) {
  return RuleInfo{std::string(r.id), r.severity, set_names(r.sets), std::string(r.summary), online};
}

void sort_findings(std::vector<Finding>* findings) {
  std::stable_sort(findings->begin(), findings->end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.file, a.line, a.column, a.rule) < std::tie(b.file, b.line, b.column, b.rule);
  });
}

}  // namespace

const std::vector<RuleInfo>& lint_rules() {
  static const std::vector<RuleInfo> rules = [] {
    std::vector<RuleInfo> out;
    for (std::span<const lint::Rule> family : lint::offline_families())
      for (const lint::Rule& r : family) out.push_back(info_of(r, false));
    for (const lint::Rule& r : lint::online_rules()) out.push_back(info_of(r, true));
    for (const lint::Rule& r : lint::loudness_rules()) out.push_back(info_of(r, false));
    return out;
  }();
  return rules;
}

const std::vector<std::string>& lint_rule_sets() {
  static const std::vector<std::string> names = set_names(lint::kAllSets);
  return names;
}

std::vector<Finding> lint_feed(const FeedDocument& doc, const LintOptions& options) {
  std::vector<Finding> findings;
  lint::Check check(doc, options, &findings);
  if (!doc.channel) {
    check.set_rule(lint::find_rule("rss/not-a-feed"));  // whatever the sets: nothing else can run
    const bool rss = doc.rss.ns().empty() && doc.rss.name() == "rss";
    check.report(&doc.rss,
                 rss ? "<rss> has no <channel>: there is no podcast to check"
                     : "the root element is " + lint::element_name(doc.rss) + ", not <rss>: this is not an RSS feed",
                 "a podcast feed is <rss version=\"2.0\"> with one <channel> holding the show and its <item>s");
    return findings;
  }
  const unsigned sets = lint::selected_sets(options.rule_sets);
  std::vector<const lint::Rule*> whole, per_item;
  for (std::span<const lint::Rule> family : lint::offline_families()) {
    for (const lint::Rule& rule : family) {
      if (!(rule.sets & sets)) continue;
      if (rule.check) whole.push_back(&rule);
      if (rule.check_item) per_item.push_back(&rule);
    }
  }
  // Item by item, every rule on one item before the next: each item is read from
  // memory once, not once per rule. Then the whole-feed rules, with every item indexed.
  for (const FeedElement* e : doc.items) {
    const lint::Item& item = check.add_item(*e);
    for (const lint::Rule* rule : per_item) {
      check.set_rule(rule);
      rule->check_item(check, item);
    }
  }
  for (const lint::Rule* rule : whole) {
    check.set_rule(rule);
    rule->check(check);
  }
  sort_findings(&findings);
  return findings;
}

// ---------------------------------------------------------------------------
// Formats

std::string format_findings_text(const std::vector<Finding>& findings, bool colour) {
  std::string out;
  for (const Finding& f : findings) {
    std::string where = f.file;
    if (f.line > 0) {
      where += (where.empty() ? "" : ":") + std::to_string(f.line);
      if (f.column > 0) where += ":" + std::to_string(f.column);
    }
    if (!where.empty()) out += where + ": ";
    const char* level = severity_name(f.severity);
    if (colour) {
      const char* code = f.severity == Severity::kError     ? "\033[1;31m"
                         : f.severity == Severity::kWarning ? "\033[1;33m"
                                                            : "\033[1;36m";
      out += std::string(code) + level + "\033[0m";
    } else {
      out += level;
    }
    out += "[" + f.rule + "]: " + f.message + "\n";
    if (!f.hint.empty()) out += "  hint: " + f.hint + "\n";
  }
  return out;
}

namespace {

// A string as nlohmann::json's dump() writes it with error_handler_t::replace: the
// JSON writer's own escaping for valid UTF-8 (findings quote the feed, which may
// not be), nlohmann's replacement of invalid bytes otherwise.
void put_string(JsonWriter& w, std::string_view s) {
  if (is_valid_utf8(s)) {
    w.value(s);
  } else {
    w.raw(nlohmann::ordered_json(std::string(s)).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  }
}

}  // namespace

// Written straight into the string, not built as a JSON tree first: a feed of
// 10,000 items can have 10,000 findings, and the tree cost more than the lint.
std::string format_findings_json(const std::vector<Finding>& findings, const std::vector<Error>& unreadable) {
  std::string out;
  out.reserve(256 + findings.size() * 256);
  JsonWriter w(&out, 2);
  size_t counts[3] = {0, 0, 0};
  w.begin_object().key("findings").begin_array();
  for (const Finding& f : findings) {
    ++counts[static_cast<int>(f.severity)];
    w.begin_object();
    w.key("rule");
    put_string(w, f.rule);
    w.key("severity").value(severity_name(f.severity));
    w.key("file");
    put_string(w, f.file);
    w.key("line").value(int64_t{f.line});
    w.key("column").value(int64_t{f.column});
    w.key("message");
    put_string(w, f.message);
    w.key("hint");
    put_string(w, f.hint);
    w.end_object();
  }
  w.end_array();
  w.key("summary").begin_object();
  w.key("errors").value(static_cast<int64_t>(counts[0]));
  w.key("warnings").value(static_cast<int64_t>(counts[1]));
  w.key("infos").value(static_cast<int64_t>(counts[2]));
  w.end_object();
  w.key("unreadable").begin_array();
  for (const Error& e : unreadable) {
    w.begin_object();
    w.key("file");
    put_string(w, e.file);
    w.key("line").value(int64_t{e.line});
    w.key("column").value(int64_t{e.column});
    w.key("message");
    put_string(w, e.message);
    w.end_object();
  }
  w.end_array().end_object();
  out += '\n';
  return out;
}

namespace {

// GitHub's workflow command escaping: data escapes %, CR and LF; property values
// also : and ,.
std::string github_escape(std::string_view s, bool property) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string format_findings_github(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) {
    out += f.severity == Severity::kError ? "::error " : f.severity == Severity::kWarning ? "::warning " : "::notice ";
    out += "file=" + github_escape(f.file, true);
    if (f.line > 0) {
      out += ",line=" + std::to_string(f.line);
      if (f.column > 0) out += ",col=" + std::to_string(f.column);
    }
    out += ",title=" + github_escape(f.rule, true) + "::";
    out += github_escape(f.message + (f.hint.empty() ? "" : "\nhint: " + f.hint), false);
    out += "\n";
  }
  return out;
}

}  // namespace podsmith
