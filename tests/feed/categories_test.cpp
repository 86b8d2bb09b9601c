#include "podsmith/feed/categories.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using podsmith::apple_categories;
using podsmith::apple_subcategories;
using podsmith::explain_category;
using podsmith::is_apple_category;
using podsmith::is_language_code;

namespace {

// Apple's list, written out again here so that an accidental edit of the table in
// src/feed/categories.cpp fails a test: https://podcasters.apple.com/support/1691-apple-podcasts-categories
struct Expected {
  std::string name;
  std::vector<std::string> subcategories;
};

const std::vector<Expected>& expected_list() {
  static const std::vector<Expected> list = {
      {"Arts", {"Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"}},
      {"Business",
       {"Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"}},
      {"Comedy", {"Comedy Interviews", "Improv", "Stand-Up"}},
      {"Education", {"Courses", "How To", "Language Learning", "Self-Improvement"}},
      {"Fiction", {"Comedy Fiction", "Drama", "Science Fiction"}},
      {"Government", {}},
      {"History", {}},
      {"Health & Fitness",
       {"Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"}},
      {"Kids & Family", {"Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"}},
      {"Leisure",
       {"Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
        "Home & Garden", "Video Games"}},
      {"Music", {"Music Commentary", "Music History", "Music Interviews"}},
      {"News",
       {"Business News", "Daily News", "Entertainment News", "News Commentary", "Politics",
        "Sports News", "Tech News"}},
      {"Religion & Spirituality",
       {"Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion", "Spirituality"}},
      {"Science",
       {"Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
        "Natural Sciences", "Nature", "Physics", "Social Sciences"}},
      {"Society & Culture",
       {"Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"}},
      {"Sports",
       {"Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey",
        "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness",
        "Wrestling"}},
      {"Technology", {}},
      {"True Crime", {}},
      {"TV & Film", {"After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"}},
  };
  return list;
}

}  // namespace

TEST_CASE("apple_categories lists Apple's 19 categories in Apple's order", "[categories]") {
  std::vector<std::string> names;
  for (const Expected& e : expected_list()) names.push_back(e.name);
  CHECK(apple_categories() == names);
  CHECK(apple_categories().size() == 19);
}

TEST_CASE("apple_subcategories lists each category's subcategories in order", "[categories]") {
  size_t total = 0;
  for (const Expected& e : expected_list()) {
    CAPTURE(e.name);
    CHECK(apple_subcategories(e.name) == e.subcategories);
    total += e.subcategories.size();
  }
  CHECK(total == 91);  // 110 categories in all, 19 of them top-level
  CHECK(apple_subcategories("Tech").empty());
  CHECK(apple_subcategories("technology").empty());
  CHECK(apple_subcategories("").empty());
}

TEST_CASE("every Apple category and subcategory pair is valid and needs no explanation",
          "[categories]") {
  for (const Expected& e : expected_list()) {
    CAPTURE(e.name);
    CHECK(is_apple_category(e.name));
    CHECK(is_apple_category(e.name, ""));
    CHECK(explain_category(e.name) == "");
    for (const std::string& sub : e.subcategories) {
      CAPTURE(sub);
      CHECK(is_apple_category(e.name, sub));
      CHECK(explain_category(e.name, sub) == "");
    }
  }
}

TEST_CASE("category names are matched exactly: case, spacing and spelling count",
          "[categories]") {
  struct Case {
    std::string name;
    std::string subcategory;
  };
  const Case cases[] = {
      {"technology", ""},
      {"TECHNOLOGY", ""},
      {"TV & film", ""},
      {"Tv & Film", ""},
      {"Health and Fitness", ""},
      {"Health &amp; Fitness", ""},
      {" Arts", ""},
      {"Arts ", ""},
      {"", ""},
      {"", "Books"},
      {"Comedy", "stand-up"},
      {"Comedy", "Stand Up"},
      {"Education", "How-To"},
      {"Education", "how to"},
      {"Business", "Nonprofit"},
      {"Arts", "Documentary"},
      {"Technology", "Tech News"},
      {"Technology", "Podcasting"},
      {"Arts", "Arts"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name, c.subcategory);
    CHECK_FALSE(is_apple_category(c.name, c.subcategory));
    const std::string message = explain_category(c.name, c.subcategory);
    CHECK_FALSE(message.empty());
    CHECK(message.find('\n') == std::string::npos);
  }
}

TEST_CASE("explain_category names the right parent of a misplaced name", "[categories]") {
  struct Case {
    std::string name;
    std::string subcategory;
    std::string message;
  };
  const Case cases[] = {
      {"Arts", "Documentary", "'Documentary' is a subcategory of 'Society & Culture', not 'Arts'"},
      {"Technology", "Tech News", "'Tech News' is a subcategory of 'News', not 'Technology'"},
      {"Sports", "Video Games", "'Video Games' is a subcategory of 'Leisure', not 'Sports'"},
      {"Health & Fitness", "Parenting",
       "'Parenting' is a subcategory of 'Kids & Family', not 'Health & Fitness'"},
      {"Politics", "", "'Politics' is a subcategory of 'News', not a top-level category"},
      {"Stand-Up", "", "'Stand-Up' is a subcategory of 'Comedy', not a top-level category"},
      {"Arts", "Comedy", "'Comedy' is a top-level category, not a subcategory of 'Arts'"},
      {"Arts", "Arts", "'Arts' is a top-level category, not a subcategory of 'Arts'"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name, c.subcategory);
    CHECK(explain_category(c.name, c.subcategory) == c.message);
  }
}

TEST_CASE("explain_category suggests the nearest valid name for a typo", "[categories]") {
  struct Case {
    std::string name;
    std::string subcategory;
    std::string message;
  };
  const Case cases[] = {
      // Another case of a valid name.
      {"technology", "", "unknown category 'technology', did you mean 'Technology'?"},
      {"TV & film", "", "unknown category 'TV & film', did you mean 'TV & Film'?"},
      {"politics", "",
       "unknown category 'politics', did you mean 'Politics' (a subcategory of 'News')?"},
      // A prefix, or a word of the name.
      {"Tech", "", "unknown category 'Tech', did you mean 'Technology'?"},
      {"Health", "", "'Health' was replaced in Apple's 2019 list, did you mean 'Health & Fitness'?"},
      {"Crime", "", "unknown category 'Crime', did you mean 'True Crime'?"},
      {"film", "", "unknown category 'film', did you mean 'TV & Film'?"},
      {"Science Fic", "",
       "unknown category 'Science Fic', did you mean 'Science Fiction' (a subcategory of "
       "'Fiction')?"},
      // A few edits away.
      {"Comdy", "", "unknown category 'Comdy', did you mean 'Comedy'?"},
      {"Buisness", "", "unknown category 'Buisness', did you mean 'Business'?"},
      {"Technolgy", "", "unknown category 'Technolgy', did you mean 'Technology'?"},
      {"Helth", "", "unknown category 'Helth', did you mean 'Health & Fitness'?"},
      {"Kids and Family", "", "unknown category 'Kids and Family', did you mean 'Kids & Family'?"},
      {"Society and Culture", "",
       "unknown category 'Society and Culture', did you mean 'Society & Culture'?"},
      {"Religion and Spirituality", "",
       "unknown category 'Religion and Spirituality', did you mean 'Religion & Spirituality'?"},
      // Names from the list Apple replaced in 2019.
      {"Games & Hobbies", "", "'Games & Hobbies' was replaced in Apple's 2019 list, did you mean 'Leisure'?"},
      {"Sports & Recreation", "",
       "'Sports & Recreation' was replaced in Apple's 2019 list, did you mean 'Sports'?"},
      // Nothing near.
      {"Xyzzy", "", "unknown category 'Xyzzy' (not one of Apple's 19 categories)"},
      {"", "", "category is empty"},
      // Subcategories: first the category's own, then the others.
      {"Comedy", "stand-up", "unknown subcategory 'stand-up' of 'Comedy', did you mean 'Stand-Up'?"},
      {"Comedy", "Standup", "unknown subcategory 'Standup' of 'Comedy', did you mean 'Stand-Up'?"},
      {"Education", "How-To", "unknown subcategory 'How-To' of 'Education', did you mean 'How To'?"},
      {"Business", "Nonprofit",
       "unknown subcategory 'Nonprofit' of 'Business', did you mean 'Non-Profit'?"},
      {"Science", "Astronmy", "unknown subcategory 'Astronmy' of 'Science', did you mean 'Astronomy'?"},
      {"Sports", "Soccr", "unknown subcategory 'Soccr' of 'Sports', did you mean 'Soccer'?"},
      {"Arts", "documentary",
       "unknown subcategory 'documentary' of 'Arts', did you mean 'Documentary' (a subcategory of "
       "'Society & Culture')?"},
      {"Technology", "Podcasting",
       "unknown subcategory 'Podcasting' of 'Technology', which has no subcategories"},
      {"Comedy", "Sketch",
       "unknown subcategory 'Sketch' of 'Comedy' (expected 'Comedy Interviews', 'Improv' or "
       "'Stand-Up')"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name, c.subcategory);
    CHECK_FALSE(is_apple_category(c.name, c.subcategory));
    CHECK(explain_category(c.name, c.subcategory) == c.message);
  }
}

TEST_CASE("is_language_code takes ISO 639-1 codes with an optional two-letter region",
          "[categories]") {
  struct Case {
    std::string code;
    bool valid;
  };
  const Case cases[] = {
      {"en", true},
      {"en-us", true},
      {"EN-US", true},
      {"En-Us", true},
      {"pt-BR", true},
      {"zh-cn", true},
      {"fr", true},
      {"de-at", true},
      {"ja", true},
      {"zu", true},
      {"aa", true},
      {"he", true},
      {"xx", false},         // not an ISO 639-1 code
      {"qq", false},
      {"english", false},
      {"en_US", false},      // '_' is a locale, not a language tag
      {"e", false},
      {"", false},
      {"eng", false},        // ISO 639-2: Apple takes two-letter codes only
      {"en-", false},
      {"en-u", false},
      {"en-usa", false},
      {"en-419", false},     // numeric region
      {"es-419", false},
      {"zh-Hans", false},    // script subtag
      {"en-us ", false},
      {" en", false},
      {"en--s", false},
      {"e1", false},
      {"en-1s", false},
      {"xx-us", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.code);
    CHECK(is_language_code(c.code) == c.valid);
  }
}

TEST_CASE("current_categories maps old and misplaced categories as Apple moved shows in 2019", "[categories]") {
  using podsmith::current_categories;
  using podsmith::CurrentCategory;
  struct Case {
    std::string name;
    std::string subcategory;
    std::vector<CurrentCategory> expected;
  };
  const Case cases[] = {
      // On the list: as they are.
      {"Technology", "", {{"Technology", ""}}},
      {"Leisure", "Hobbies", {{"Leisure", "Hobbies"}}},
      // Old top-level names.
      {"Games & Hobbies", "", {{"Leisure", ""}}},
      {"News & Politics", "", {{"News", ""}}},
      {"Government & Organizations", "", {{"Government", ""}}},
      {"Government & Organisations", "", {{"Government", ""}}},
      {"Science & Medicine", "", {{"Science", ""}}},
      {"Sports & Recreation", "", {{"Sports", ""}}},
      {"Health", "", {{"Health & Fitness", ""}}},
      // Old subcategories: moved, renamed, split, or folded into their parent.
      {"Games & Hobbies", "Hobbies", {{"Leisure", "Hobbies"}}},
      {"Games & Hobbies", "Other Games", {{"Leisure", "Games"}}},
      {"Technology", "Tech News", {{"News", "Tech News"}}},
      {"Technology", "Gadgets", {{"Technology", ""}}},
      {"Technology", "Podcasting", {{"Technology", ""}}},
      {"Business", "Business News", {{"News", "Business News"}}},
      {"Business", "Management & Marketing", {{"Business", "Management"}, {"Business", "Marketing"}}},
      {"Health", "Fitness & Nutrition", {{"Health & Fitness", "Fitness"}, {"Health & Fitness", "Nutrition"}}},
      {"Government & Organizations", "Non-Profit", {{"Business", "Non-Profit"}}},
      {"Government & Organizations", "Local", {{"Government", ""}}},
      {"Science & Medicine", "Medicine", {{"Health & Fitness", "Medicine"}}},
      {"Society & Culture", "History", {{"History", ""}}},
      {"Arts", "Literature", {{"Arts", "Books"}}},
      {"Religion & Spirituality", "Other", {{"Religion & Spirituality", "Religion"}}},
      {"Sports & Recreation", "Outdoor", {{"Sports", ""}}},
      // A subcategory under the wrong parent goes to its own; given alone, it gets its parent.
      {"Arts", "Hobbies", {{"Leisure", "Hobbies"}}},
      {"Games", "Hobbies", {{"Leisure", "Hobbies"}}},
      {"Politics", "", {{"News", "Politics"}}},
      {"Hobbies", "", {{"Leisure", "Hobbies"}}},
      // Case and stray spaces are forgiven here (build is exact).
      {"technology", "", {{"Technology", ""}}},
      {" Leisure ", "video games", {{"Leisure", "Video Games"}}},
      // A subcategory with no place: its parent alone.
      {"Comedy", "Podcasting Tips", {{"Comedy", ""}}},
      {"Technology", "Software", {{"Technology", ""}}},
      // Nothing to map to.
      {"Podcasting Tips", "", {}},
      {"Podcasting Tips", "Advice", {}},
      {"", "", {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name, c.subcategory);
    const std::vector<CurrentCategory> got = current_categories(c.name, c.subcategory);
    CHECK(got == c.expected);
    // Whatever comes out is on Apple's list exactly.
    for (const CurrentCategory& m : got) CHECK(is_apple_category(m.name, m.subcategory));
  }
}

TEST_CASE("every old category maps to categories on Apple's current list", "[categories]") {
  // The list Apple replaced in 2019, as feeds of the time wrote it.
  const std::vector<std::pair<std::string, std::vector<std::string>>> old_list = {
      {"Arts", {"Design", "Fashion & Beauty", "Food", "Literature", "Performing Arts", "Spoken Word", "Visual Arts"}},
      {"Business", {"Business News", "Careers", "Investing", "Management & Marketing", "Shopping"}},
      {"Comedy", {}},
      {"Education", {"Educational Technology", "Higher Education", "K-12", "Language Courses", "Training"}},
      {"Games & Hobbies", {"Automotive", "Aviation", "Hobbies", "Other Games", "Video Games"}},
      {"Government & Organizations", {"Local", "National", "Non-Profit", "Regional"}},
      {"Health", {"Alternative Health", "Fitness & Nutrition", "Self-Help", "Sexuality"}},
      {"Kids & Family", {}},
      {"Music", {}},
      {"News & Politics", {}},
      {"Religion & Spirituality", {"Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Other", "Spirituality"}},
      {"Science & Medicine", {"Medicine", "Natural Sciences", "Social Sciences"}},
      {"Society & Culture", {"History", "Personal Journals", "Philosophy", "Places & Travel"}},
      {"Sports & Recreation", {"Amateur", "College & High School", "Outdoor", "Professional"}},
      {"Technology", {"Gadgets", "Podcasting", "Software How-To", "Tech News"}},
      {"TV & Film", {}},
  };
  for (const auto& [name, subs] : old_list) {
    std::vector<std::string> all = subs;
    all.emplace_back();
    for (const std::string& sub : all) {
      CAPTURE(name, sub);
      const auto got = podsmith::current_categories(name, sub);
      CHECK_FALSE(got.empty());
      for (const auto& m : got) CHECK(is_apple_category(m.name, m.subcategory));
    }
  }
}
