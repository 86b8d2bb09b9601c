/// Apple Podcasts' category list (19 top-level categories and their subcategories,
/// spelled exactly as Apple lists them) and the RSS <language> code check, with
/// messages that suggest the nearest valid name. Pure functions over built-in
/// tables; no I/O, and nothing here knows about feeds or the model.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace podsmith {

/// True when `name` is one of Apple's top-level categories and `subcategory` is
/// empty or one of that category's subcategories. Matching is exact, case and
/// punctuation included ("Health & Fitness", "Stand-Up", "How To"): Apple's
/// category text is case-sensitive.
bool is_apple_category(std::string_view name, std::string_view subcategory = {});

/// Empty when is_apple_category(name, subcategory); otherwise one line that says
/// what is wrong and, where one is near enough, the valid name meant:
///   unknown category 'Tech', did you mean 'Technology'?
///   'Documentary' is a subcategory of 'Society & Culture', not 'Arts'
///   'Politics' is a subcategory of 'News', not a top-level category
///   'Games & Hobbies' was replaced in Apple's 2019 list, did you mean 'Leisure'?
///   unknown subcategory 'Podcasting' of 'Technology', which has no subcategories
/// Suggestions ignore case (validation does not). With no near match the message
/// lists the valid subcategories, or just says the name is unknown.
std::string explain_category(std::string_view name, std::string_view subcategory = {});

/// A category of Apple's current list: `name` top-level, `subcategory` empty or
/// one of its subcategories.
struct CurrentCategory {
  std::string name;
  std::string subcategory;
  bool operator==(const CurrentCategory&) const = default;
};

/// The categories of Apple's current list that `name` / `subcategory`, as an older
/// or sloppier feed wrote them, stand for: the same when they are on the list;
/// else the way Apple moved shows when it replaced its list in 2019 ("Games &
/// Hobbies" / "Hobbies" -> "Leisure" / "Hobbies", "Technology" / "Tech News" ->
/// "News" / "Tech News", "Technology" / "Gadgets" -> "Technology", one old
/// subcategory may become two); a subcategory under the wrong parent moves to its
/// own ("Arts" / "Hobbies" -> "Leisure" / "Hobbies"); a subcategory given as a
/// top-level name gets its parent ("Politics" -> "News" / "Politics"); a
/// subcategory that has no place goes, keeping its parent. Case is ignored
/// ("technology"). Empty when nothing maps: the caller drops the category. For
/// import only: build takes Apple's names exactly (is_apple_category).
std::vector<CurrentCategory> current_categories(std::string_view name, std::string_view subcategory = {});

/// Apple's top-level categories, in Apple's order ("Arts" ... "TV & Film").
const std::vector<std::string>& apple_categories();

/// The subcategories of top-level category `name`, in Apple's order; empty when
/// `name` has none ("Technology") or is not a top-level category.
std::vector<std::string> apple_subcategories(std::string_view name);

/// True for a channel <language> value Apple accepts: an ISO 639-1 two-letter
/// language code that exists ("en", not "xx"), optionally followed by '-' and a
/// two-letter region ("en-us", "pt-BR"); ASCII letters, any case. Three-letter
/// ISO 639-2/3 codes ("eng"), scripts ("zh-Hans"), numeric regions ("es-419")
/// and '_' ("en_US") are rejected: RSS 2.0 allows any W3C/RFC 1766 tag, but
/// Apple's podcast RSS requirements take only two-letter ISO 639 codes, with an
/// optional modifier such as "en-us". The region is not checked against ISO 3166.
bool is_language_code(std::string_view code);

}  // namespace podsmith
