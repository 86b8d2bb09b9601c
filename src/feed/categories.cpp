#include "podsmith/feed/categories.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace podsmith {
namespace {

// Apple Podcasts categories, as Apple lists them (order and spelling):
// https://podcasters.apple.com/support/1691-apple-podcasts-categories
// 19 top-level categories and 91 subcategories, the list introduced in 2019.
constexpr std::string_view kArts[] = {"Books", "Design", "Fashion & Beauty", "Food",
                                      "Performing Arts", "Visual Arts"};
constexpr std::string_view kBusiness[] = {"Careers", "Entrepreneurship", "Investing",
                                          "Management", "Marketing", "Non-Profit"};
constexpr std::string_view kComedy[] = {"Comedy Interviews", "Improv", "Stand-Up"};
constexpr std::string_view kEducation[] = {"Courses", "How To", "Language Learning",
                                           "Self-Improvement"};
constexpr std::string_view kFiction[] = {"Comedy Fiction", "Drama", "Science Fiction"};
constexpr std::string_view kHealthFitness[] = {"Alternative Health", "Fitness", "Medicine",
                                               "Mental Health", "Nutrition", "Sexuality"};
constexpr std::string_view kKidsFamily[] = {"Education for Kids", "Parenting", "Pets & Animals",
                                            "Stories for Kids"};
constexpr std::string_view kLeisure[] = {"Animation & Manga", "Automotive", "Aviation", "Crafts",
                                         "Games", "Hobbies", "Home & Garden", "Video Games"};
constexpr std::string_view kMusic[] = {"Music Commentary", "Music History", "Music Interviews"};
constexpr std::string_view kNews[] = {"Business News", "Daily News", "Entertainment News",
                                      "News Commentary", "Politics", "Sports News", "Tech News"};
constexpr std::string_view kReligion[] = {"Buddhism", "Christianity", "Hinduism", "Islam",
                                          "Judaism", "Religion", "Spirituality"};
constexpr std::string_view kScience[] = {"Astronomy", "Chemistry", "Earth Sciences",
                                         "Life Sciences", "Mathematics", "Natural Sciences",
                                         "Nature", "Physics", "Social Sciences"};
constexpr std::string_view kSocietyCulture[] = {"Documentary", "Personal Journals", "Philosophy",
                                                "Places & Travel", "Relationships"};
constexpr std::string_view kSports[] = {"Baseball", "Basketball", "Cricket", "Fantasy Sports",
                                        "Football", "Golf", "Hockey", "Rugby", "Running",
                                        "Soccer", "Swimming", "Tennis", "Volleyball",
                                        "Wilderness", "Wrestling"};
constexpr std::string_view kTvFilm[] = {"After Shows", "Film History", "Film Interviews",
                                        "Film Reviews", "TV Reviews"};

struct AppleCategory {
  std::string_view name;
  std::span<const std::string_view> subcategories;
};

constexpr AppleCategory kCategories[] = {
    {"Arts", kArts},
    {"Business", kBusiness},
    {"Comedy", kComedy},
    {"Education", kEducation},
    {"Fiction", kFiction},
    {"Government", {}},
    {"History", {}},
    {"Health & Fitness", kHealthFitness},
    {"Kids & Family", kKidsFamily},
    {"Leisure", kLeisure},
    {"Music", kMusic},
    {"News", kNews},
    {"Religion & Spirituality", kReligion},
    {"Science", kScience},
    {"Society & Culture", kSocietyCulture},
    {"Sports", kSports},
    {"Technology", {}},
    {"True Crime", {}},
    {"TV & Film", kTvFilm},
};

// Top-level names of the list Apple replaced in 2019, still found in older feeds,
// with the category that took their place.
struct Replaced {
  std::string_view old_name;
  std::string_view new_name;
};
constexpr Replaced kReplaced[] = {
    {"Games & Hobbies", "Leisure"},
    {"Government & Organizations", "Government"},
    {"Government & Organisations", "Government"},  // the spelling of Apple's UK store
    {"Health", "Health & Fitness"},
    {"News & Politics", "News"},
    {"Science & Medicine", "Science"},
    {"Sports & Recreation", "Sports"},
};

// Where the subcategories of the list Apple replaced in 2019 went. Apple announced the
// new list (https://podcasters.apple.com/support/1691-apple-podcasts-categories) in June
// 2019 and moved the shows itself that summer; Podnews listed the changes
// (https://podnews.net/article/apple-changed-podcast-categories-2019). The rows follow
// the migration PRX's feeder ran in July 2019 to move its shows the same way
// (github.com/PRX/feeder.prx.org, db/migrate/20190724191053_update_itunes_categories.rb),
// but for two subcategories it drops where the new list has their successor: Language
// Courses -> Language Learning, Self-Help -> Education/Self-Improvement. Spoken Word,
// gone before 2019, stays in Arts. An empty new_sub: the show stays in the (renamed)
// parent, as shows of a discontinued subcategory did.
struct Moved {
  std::string_view old_name;
  std::string_view old_sub;
  std::string_view new_name;
  std::string_view new_sub;
};
constexpr Moved kMoved2019[] = {
    {"Arts", "Literature", "Arts", "Books"},
    {"Arts", "Spoken Word", "Arts", ""},  // gone before 2019, still in old feeds
    {"Business", "Business News", "News", "Business News"},
    {"Business", "Management & Marketing", "Business", "Management"},
    {"Business", "Management & Marketing", "Business", "Marketing"},
    {"Business", "Shopping", "Business", ""},
    {"Education", "Educational Technology", "Education", ""},
    {"Education", "Higher Education", "Education", ""},
    {"Education", "K-12", "Education", ""},
    {"Education", "Language Courses", "Education", "Language Learning"},
    {"Education", "Training", "Education", ""},
    {"Games & Hobbies", "Automotive", "Leisure", "Automotive"},
    {"Games & Hobbies", "Aviation", "Leisure", "Aviation"},
    {"Games & Hobbies", "Hobbies", "Leisure", "Hobbies"},
    {"Games & Hobbies", "Other Games", "Leisure", "Games"},
    {"Games & Hobbies", "Video Games", "Leisure", "Video Games"},
    {"Government & Organizations", "Local", "Government", ""},
    {"Government & Organizations", "National", "Government", ""},
    {"Government & Organizations", "Non-Profit", "Business", "Non-Profit"},
    {"Government & Organisations", "Non-Profit", "Business", "Non-Profit"},
    {"Government & Organizations", "Regional", "Government", ""},
    {"Health", "Alternative Health", "Health & Fitness", "Alternative Health"},
    {"Health", "Fitness & Nutrition", "Health & Fitness", "Fitness"},
    {"Health", "Fitness & Nutrition", "Health & Fitness", "Nutrition"},
    {"Health", "Self-Help", "Education", "Self-Improvement"},
    {"Health", "Sexuality", "Health & Fitness", "Sexuality"},
    {"Religion & Spirituality", "Other", "Religion & Spirituality", "Religion"},
    {"Science & Medicine", "Medicine", "Health & Fitness", "Medicine"},
    {"Science & Medicine", "Natural Sciences", "Science", "Natural Sciences"},
    {"Science & Medicine", "Social Sciences", "Science", "Social Sciences"},
    {"Society & Culture", "History", "History", ""},
    {"Sports & Recreation", "Amateur", "Sports", ""},
    {"Sports & Recreation", "College & High School", "Sports", ""},
    {"Sports & Recreation", "Outdoor", "Sports", ""},
    {"Sports & Recreation", "Professional", "Sports", ""},
    {"Technology", "Gadgets", "Technology", ""},
    {"Technology", "Podcasting", "Technology", ""},
    {"Technology", "Software How-To", "Technology", ""},
    {"Technology", "Tech News", "News", "Tech News"},
};

// ISO 639-1 two-letter codes: every alpha-2 code in Debian's iso-codes 4.15
// (iso_639-2.json and iso_639-3.json), 185 codes including the deprecated
// "bh" and "sh". Sorted, for binary search.
constexpr std::string_view kIso639_1[] = {
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be",
    "bg", "bh", "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs",
    "cu", "cv", "cy", "da", "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu",
    "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha",
    "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik",
    "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn",
    "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo", "lt",
    "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os",
    "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd",
    "se", "sg", "sh", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su",
    "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt",
    "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo",
    "za", "zh", "zu",
};
static_assert(std::is_sorted(std::begin(kIso639_1), std::end(kIso639_1)));

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

// Optimal string alignment distance: insertions, deletions, substitutions and
// swaps of two adjacent bytes each cost one ("Buisness" is one edit from
// "Business"). Category names are ASCII, so bytes are characters.
size_t edit_distance(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  const size_t m = b.size();
  // Three rows: two back (for swaps), previous, current.
  std::vector<size_t> before(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], before[j - 2] + 1);
      }
    }
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

// The words of a lowercased name: "tv & film" -> {"tv", "film"}; '-' splits too.
std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ' ' || s[i] == '-') {
      const std::string_view word = s.substr(start, i - start);
      if (!word.empty() && word != "&") out.push_back(word);
      start = i + 1;
    }
  }
  return out;
}

// A name that a suggestion may point at; `parent` is empty for a top-level category.
struct Candidate {
  std::string_view name;
  std::string_view parent;
};

// The candidate `query` most likely meant, ignoring case, or nothing when none is
// near enough. In order: the same name in another case; a name that starts with
// the query ("Tech" -> "Technology"); a name with a word that does ("Crime" ->
// "True Crime"); the fewest edits to the name or one of its words ("Helth" ->
// "Health & Fitness"), at most a third of the length. Ties go to the earlier
// candidate, so list top-level names first and each list in Apple's order.
std::optional<Candidate> nearest(std::string_view query, const std::vector<Candidate>& candidates) {
  const std::string q = ascii_lower(query);
  if (q.empty()) return std::nullopt;
  std::vector<std::string> lowered;
  lowered.reserve(candidates.size());
  for (const Candidate& c : candidates) lowered.push_back(ascii_lower(c.name));

  for (size_t i = 0; i < candidates.size(); ++i) {
    if (lowered[i] == q) return candidates[i];
  }
  if (q.size() >= 3) {
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (lowered[i].starts_with(q)) return candidates[i];
    }
    for (size_t i = 0; i < candidates.size(); ++i) {
      for (std::string_view word : words(lowered[i])) {
        if (word.starts_with(q)) return candidates[i];
      }
    }
  }
  std::optional<Candidate> best;
  size_t best_distance = 0;
  auto consider = [&](const Candidate& c, std::string_view target) {
    const size_t d = edit_distance(q, target);
    const size_t allowed = std::max<size_t>(1, std::max(q.size(), target.size()) / 3);
    if (d <= allowed && (!best || d < best_distance)) {
      best = c;
      best_distance = d;
    }
  };
  for (size_t i = 0; i < candidates.size(); ++i) {
    consider(candidates[i], lowered[i]);
    for (std::string_view word : words(lowered[i])) consider(candidates[i], word);
  }
  return best;
}

const AppleCategory* find_category(std::string_view name) {
  for (const AppleCategory& c : kCategories) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

bool has_subcategory(const AppleCategory& category, std::string_view subcategory) {
  return std::find(category.subcategories.begin(), category.subcategories.end(), subcategory) !=
         category.subcategories.end();
}

// The top-level category that has `subcategory` (exact match), or nullptr.
const AppleCategory* parent_of(std::string_view subcategory) {
  for (const AppleCategory& c : kCategories) {
    if (has_subcategory(c, subcategory)) return &c;
  }
  return nullptr;
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// "'Politics' (a subcategory of 'News')", or just "'News'" for a top-level name.
std::string describe(const Candidate& c) {
  if (c.parent.empty()) return quoted(c.name);
  return quoted(c.name) + " (a subcategory of " + quoted(c.parent) + ")";
}

std::string explain_unknown_name(std::string_view name) {
  if (const AppleCategory* parent = parent_of(name)) {
    return quoted(name) + " is a subcategory of " + quoted(parent->name) +
           ", not a top-level category";
  }
  for (const Replaced& r : kReplaced) {
    if (iequals(name, r.old_name)) {
      return quoted(name) + " was replaced in Apple's 2019 list, did you mean " +
             quoted(r.new_name) + "?";
    }
  }
  // Top-level names before subcategories, except that a subcategory in another
  // case ("politics") beats a top-level name a few edits away.
  std::vector<Candidate> top;
  for (const AppleCategory& c : kCategories) top.push_back({c.name, {}});
  std::vector<Candidate> subs;
  for (const AppleCategory& c : kCategories) {
    for (std::string_view sub : c.subcategories) subs.push_back({sub, c.name});
  }
  std::optional<Candidate> match;
  for (const Candidate& c : top) {
    if (!match && iequals(c.name, name)) match = c;
  }
  for (const Candidate& c : subs) {
    if (!match && iequals(c.name, name)) match = c;
  }
  if (!match) match = nearest(name, top);
  if (!match) match = nearest(name, subs);
  if (match) {
    return "unknown category " + quoted(name) + ", did you mean " + describe(*match) + "?";
  }
  return "unknown category " + quoted(name) + " (not one of Apple's " +
         std::to_string(std::size(kCategories)) + " categories)";
}

std::string explain_unknown_subcategory(const AppleCategory& category,
                                        std::string_view subcategory) {
  if (const AppleCategory* parent = parent_of(subcategory)) {
    return quoted(subcategory) + " is a subcategory of " + quoted(parent->name) + ", not " +
           quoted(category.name);
  }
  if (find_category(subcategory) != nullptr) {
    return quoted(subcategory) + " is a top-level category, not a subcategory of " +
           quoted(category.name);
  }
  const std::string head =
      "unknown subcategory " + quoted(subcategory) + " of " + quoted(category.name);

  std::vector<Candidate> own;
  for (std::string_view sub : category.subcategories) own.push_back({sub, {}});
  if (const std::optional<Candidate> match = nearest(subcategory, own)) {
    return head + ", did you mean " + quoted(match->name) + "?";
  }
  std::vector<Candidate> others;
  for (const AppleCategory& c : kCategories) {
    if (&c == &category) continue;
    for (std::string_view sub : c.subcategories) others.push_back({sub, c.name});
  }
  if (const std::optional<Candidate> match = nearest(subcategory, others)) {
    return head + ", did you mean " + describe(*match) + "?";
  }
  if (category.subcategories.empty()) return head + ", which has no subcategories";

  std::string expected;
  const size_t count = category.subcategories.size();
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) expected += (i + 1 == count) ? " or " : ", ";
    expected += quoted(category.subcategories[i]);
  }
  return head + " (expected " + expected + ")";
}

// The top-level category named `name` in any case, or nullptr.
const AppleCategory* find_category_ignoring_case(std::string_view name) {
  for (const AppleCategory& c : kCategories) {
    if (iequals(c.name, name)) return &c;
  }
  return nullptr;
}

// `category`'s subcategory named `subcategory` in any case, as Apple spells it; empty
// when it has none of that name.
std::string_view own_subcategory(const AppleCategory& category, std::string_view subcategory) {
  for (std::string_view sub : category.subcategories) {
    if (iequals(sub, subcategory)) return sub;
  }
  return {};
}

// The current category with a subcategory named `subcategory` in any case.
std::optional<CurrentCategory> subcategory_anywhere(std::string_view subcategory) {
  for (const AppleCategory& c : kCategories) {
    const std::string_view sub = own_subcategory(c, subcategory);
    if (!sub.empty()) return CurrentCategory{std::string(c.name), std::string(sub)};
  }
  return std::nullopt;
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<CurrentCategory> current_categories(std::string_view name, std::string_view subcategory) {
  name = trim_spaces(name);
  subcategory = trim_spaces(subcategory);
  if (is_apple_category(name, subcategory)) return {{std::string(name), std::string(subcategory)}};
  std::vector<CurrentCategory> out;
  // Apple's own moves of 2019 first: they say where a renamed parent's subcategories went.
  if (!subcategory.empty()) {
    for (const Moved& m : kMoved2019) {
      if (iequals(m.old_name, name) && iequals(m.old_sub, subcategory))
        out.push_back({std::string(m.new_name), std::string(m.new_sub)});
    }
    if (!out.empty()) return out;
  }
  const AppleCategory* parent = find_category_ignoring_case(name);
  for (const Replaced& r : kReplaced) {
    if (!parent && iequals(r.old_name, name)) parent = find_category(r.new_name);
  }
  if (!subcategory.empty()) {
    if (parent) {
      const std::string_view sub = own_subcategory(*parent, subcategory);
      if (!sub.empty()) return {{std::string(parent->name), std::string(sub)}};
    }
    // A subcategory under the wrong parent belongs to its own ("Hobbies" is Leisure's).
    if (auto elsewhere = subcategory_anywhere(subcategory)) return {*elsewhere};
  }
  if (parent) return {{std::string(parent->name), {}}};  // the subcategory has no place: the parent alone
  // A subcategory written as a top-level category ("Politics").
  if (auto as_sub = subcategory_anywhere(name)) return {*as_sub};
  return {};
}

bool is_apple_category(std::string_view name, std::string_view subcategory) {
  const AppleCategory* category = find_category(name);
  return category != nullptr && (subcategory.empty() || has_subcategory(*category, subcategory));
}

std::string explain_category(std::string_view name, std::string_view subcategory) {
  if (name.empty()) return "category is empty";
  const AppleCategory* category = find_category(name);
  if (category == nullptr) return explain_unknown_name(name);
  if (subcategory.empty() || has_subcategory(*category, subcategory)) return {};
  return explain_unknown_subcategory(*category, subcategory);
}

const std::vector<std::string>& apple_categories() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const AppleCategory& c : kCategories) out.emplace_back(c.name);
    return out;
  }();
  return names;
}

std::vector<std::string> apple_subcategories(std::string_view name) {
  std::vector<std::string> out;
  if (const AppleCategory* category = find_category(name)) {
    for (std::string_view sub : category->subcategories) out.emplace_back(sub);
  }
  return out;
}

bool is_language_code(std::string_view code) {
  if (code.size() != 2 && code.size() != 5) return false;
  if (!is_ascii_alpha(code[0]) || !is_ascii_alpha(code[1])) return false;
  if (code.size() == 5 && (code[2] != '-' || !is_ascii_alpha(code[3]) || !is_ascii_alpha(code[4]))) {
    return false;
  }
  const std::string language = ascii_lower(code.substr(0, 2));
  return std::binary_search(std::begin(kIso639_1), std::end(kIso639_1),
                            std::string_view(language));
}

}  // namespace podsmith
