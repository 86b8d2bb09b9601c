/// The site's theme: the default templates and assets compiled into podsmith, each
/// replaced by a file of the same name from the workspace's theme/ folder, and the
/// mustache renderer (kainjow mustache, only in theme.cpp) in strict mode: a name
/// that no value answers is an error naming the template file and line, not an
/// empty string. Values are a small tree of our own (Value), so that the rest of
/// the site never sees the engine's types.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "podsmith/base/error.h"

namespace podsmith::site {

/// A template value: text, a boolean, a list or an object (keys in insertion order).
class Value {
 public:
  enum class Kind { kString, kBool, kList, kObject };
  Value() = default;  // an empty object
  Value(std::string s) : kind_(Kind::kString), text_(std::move(s)) {}  // NOLINT: implicit by design
  Value(const char* s) : kind_(Kind::kString), text_(s) {}             // NOLINT
  Value(bool b) : kind_(Kind::kBool), flag_(b) {}                      // NOLINT
  static Value list() {
    Value v;
    v.kind_ = Kind::kList;
    return v;
  }
  Value& set(std::string key, Value v) {
    members_.emplace_back(std::move(key), std::move(v));
    return *this;
  }
  Value& push(Value v) {
    items_.push_back(std::move(v));
    return *this;
  }
  Kind kind() const { return kind_; }
  const std::string& text() const { return text_; }
  bool flag() const { return flag_; }
  const std::vector<Value>& items() const { return items_; }
  const std::vector<std::pair<std::string, Value>>& members() const { return members_; }
  bool empty_list() const { return items_.empty(); }

 private:
  Kind kind_ = Kind::kObject;
  std::string text_;
  bool flag_ = false;
  std::vector<Value> items_;
  std::vector<std::pair<std::string, Value>> members_;
};

/// The templates and assets of one build: the default theme with the workspace's
/// overrides.
class Theme {
 public:
  /// The default theme with `overrides` (file name -> bytes, from theme/) in place.
  /// Every template is parsed here: a syntax error is in errors(), as
  /// theme/<name>:line (or <name> of the default theme).
  explicit Theme(const std::map<std::string, std::string>& overrides);
  ~Theme();
  Theme(const Theme&) = delete;
  Theme& operator=(const Theme&) = delete;

  const std::vector<Error>& errors() const { return errors_; }

  /// Renders template `name` ("episode.mustache") with `value` as its context.
  /// An unknown name, or a partial that is not there, is an Error naming the
  /// template file and the line of the first tag that asks for it.
  Result<std::string> render(const std::string& name, const Value& value) const;

  /// The files that are not templates (style.css, site.js, icon.svg, and any
  /// other file of theme/), by name.
  const std::map<std::string, std::string>& assets() const { return assets_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<Error> errors_;
  std::map<std::string, std::string> assets_;
};

}  // namespace podsmith::site
