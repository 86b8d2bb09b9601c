#include "site/theme.h"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <optional>
#include <set>

#include "podsmith/site/site.h"

namespace podsmith::site {
namespace mu = kainjow::mustache;
namespace {

constexpr std::string_view kTemplateSuffix = ".mustache";

bool is_template(const std::string& name) {
  return name.size() > kTemplateSuffix.size() &&
         name.compare(name.size() - kTemplateSuffix.size(), kTemplateSuffix.size(), kTemplateSuffix) == 0;
}

int line_at(const std::string& text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// The engine reports "Unclosed tag at 6": the byte offset, turned into a line here.
Error syntax_error(const std::string& file, const std::string& text, const std::string& message) {
  int line = 0;
  std::string what = message;
  const size_t at = message.rfind(" at ");
  if (at != std::string::npos) {
    const std::string digits = message.substr(at + 4);
    if (!digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      line = line_at(text, std::stoul(digits));
      what = message.substr(0, at);
    }
  }
  if (!what.empty()) what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
  return Error{ErrorCode::kInvalidInput, "template: " + what, file, line, 0};
}

mu::data to_data(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kString:
      return mu::data(v.text());
    case Value::Kind::kBool:
      return mu::data(v.flag());
    case Value::Kind::kList: {
      mu::data list{mu::data::type::list};
      for (const Value& item : v.items()) list.push_back(to_data(item));
      return list;
    }
    case Value::Kind::kObject:
      break;
  }
  mu::data object{mu::data::type::object};
  for (const auto& [key, value] : v.members()) object[key] = to_data(value);  // moved in, not copied (set() copies)
  return object;
}

// Looks names up as the engine does, but remembers the first that nothing
// answers (mustache renders it as nothing, which hides a typo in a template).
class StrictContext : public mu::basic_context<std::string> {
 public:
  StrictContext(const mu::data* root, const std::map<std::string, mu::data>* partials)
      : inner_(root), partials_(partials) {}
  void push(const mu::data* data) override { inner_.push(data); }
  void pop() override { inner_.pop(); }
  const mu::data* get(const std::string& name) const override {
    const mu::data* found = inner_.get(name);
    if (!found && missing_.empty()) missing_ = name;
    return found;
  }
  const mu::data* get_partial(const std::string& name) const override {
    const auto it = partials_->find(name);
    if (it != partials_->end()) return &it->second;
    if (missing_partial_.empty()) missing_partial_ = name;
    return nullptr;
  }
  const std::string& missing() const { return missing_; }
  const std::string& missing_partial() const { return missing_partial_; }

 private:
  mu::context<std::string> inner_;
  const std::map<std::string, mu::data>* partials_;
  mutable std::string missing_;
  mutable std::string missing_partial_;
};

}  // namespace

struct Theme::Impl {
  struct Template {
    std::string file;  // for errors: "theme/home.mustache" or "home.mustache (default theme)"
    std::string text;
    std::unique_ptr<mu::mustache> parsed;
  };
  std::map<std::string, Template> templates;    // by file name
  std::map<std::string, mu::data> partials;     // by name without .mustache
  // Each template with its partials put in place of their tags, parsed once: the
  // engine would parse a partial again at every inclusion (most of the time of a
  // thousand episode pages).
  std::map<std::string, std::unique_ptr<mu::mustache>> expanded;

  // `text` with every {{> name}} of a known partial replaced by that partial's
  // text, recursively. A partial that includes itself is an error.
  std::optional<Error> expand(const std::string& file, const std::string& text, std::vector<std::string>* stack,
                              std::string* out) const {
    size_t from = 0;
    for (size_t open = text.find("{{>"); open != std::string::npos; open = text.find("{{>", from)) {
      const size_t close = text.find("}}", open);
      if (close == std::string::npos) break;
      std::string name = text.substr(open + 3, close - open - 3);
      name.erase(0, name.find_first_not_of(" \t"));
      name.erase(name.find_last_not_of(" \t") + 1);
      out->append(text, from, open - from);
      from = close + 2;
      const auto it = templates.find(name + std::string(kTemplateSuffix));
      if (it == templates.end()) {  // left to the strict context, which reports it
        out->append(text, open, close + 2 - open);
        continue;
      }
      if (std::find(stack->begin(), stack->end(), name) != stack->end() || stack->size() > 16)
        return Error{ErrorCode::kInvalidInput, "template: partial '" + name + "' includes itself", file,
                     line_at(text, open), 0};
      stack->push_back(name);
      if (auto e = expand(it->second.file, it->second.text, stack, out)) return e;
      stack->pop_back();
    }
    out->append(text, from, std::string::npos);
    return std::nullopt;
  }

  // The file and line of the first tag in `name` or the partials that names `what`.
  std::pair<std::string, int> find_tag(const std::string& name, const std::string& what, bool partial) const {
    std::vector<const Template*> order;
    order.push_back(&templates.at(name));
    for (const auto& [n, t] : templates)
      if (n != name) order.push_back(&t);
    for (const Template* t : order) {
      for (size_t open = t->text.find("{{"); open != std::string::npos; open = t->text.find("{{", open + 2)) {
        const size_t close = t->text.find("}}", open);
        if (close == std::string::npos) break;
        std::string tag = t->text.substr(open + 2, close - open - 2);
        const bool is_partial = !tag.empty() && tag[0] == '>';
        tag.erase(0, tag.find_first_not_of("{#^/&> \t"));
        tag.erase(tag.find_last_not_of("} \t") + 1);
        if (tag == what && is_partial == partial) return {t->file, line_at(t->text, open)};
      }
    }
    return {templates.at(name).file, 0};
  }
};

Theme::Theme(const std::map<std::string, std::string>& overrides) : impl_(std::make_unique<Impl>()) {
  std::map<std::string, std::pair<std::string, std::string>> files;  // name -> (file for errors, bytes)
  for (const auto& [name, bytes] : default_theme()) files[name] = {name + " (default theme)", bytes};
  for (const auto& [name, bytes] : overrides) files[name] = {"theme/" + name, bytes};
  for (auto& [name, entry] : files) {
    if (!is_template(name)) {
      if (name.rfind("media/", 0) == 0 || name.rfind("feeds/", 0) == 0) {
        errors_.push_back(Error{ErrorCode::kInvalidInput,
                                "the site never writes under site/media/ or site/feeds/ (those URLs are the "
                                "workspace's media/ and feeds/); move this file",
                                entry.first, 0, 0});
        continue;
      }
      assets_[name] = std::move(entry.second);
      continue;
    }
    Impl::Template t;
    t.file = entry.first;
    t.text = std::move(entry.second);
    t.parsed = std::make_unique<mu::mustache>(t.text);
    if (!t.parsed->is_valid()) errors_.push_back(syntax_error(t.file, t.text, t.parsed->error_message()));
    const std::string stem = name.substr(0, name.size() - kTemplateSuffix.size());
    const std::string* text = &impl_->templates.emplace(name, std::move(t)).first->second.text;  // stays put in the map
    impl_->partials.emplace(stem, mu::data(mu::partial([text] { return *text; })));
  }
  if (!errors_.empty()) return;
  for (const auto& [name, t] : impl_->templates) {
    std::vector<std::string> stack = {name.substr(0, name.size() - kTemplateSuffix.size())};
    std::string text;
    if (auto e = impl_->expand(t.file, t.text, &stack, &text)) {
      errors_.push_back(*e);
      continue;
    }
    auto parsed = std::make_unique<mu::mustache>(text);
    if (!parsed->is_valid()) {
      // Each file parses alone, but not put together (a section opened in one and
      // closed in another): no line to point at but the including file's.
      errors_.push_back(Error{ErrorCode::kInvalidInput, "template: with its partials in place: " +
                                                            parsed->error_message(), t.file, 0, 0});
      continue;
    }
    impl_->expanded.emplace(name, std::move(parsed));
  }
}

Theme::~Theme() = default;

Result<std::string> Theme::render(const std::string& name, const Value& value) const {
  const auto it = impl_->templates.find(name);
  if (it == impl_->templates.end())
    return Error{ErrorCode::kNotFound, "the theme has no template " + name, "theme/" + name, 0, 0};
  const mu::data data = to_data(value);
  StrictContext context(&data, &impl_->partials);
  mu::mustache& tmpl = *impl_->expanded.at(name);
  std::string out = tmpl.render(context);
  if (!context.missing_partial().empty()) {
    const auto [file, line] = impl_->find_tag(name, context.missing_partial(), true);
    return Error{ErrorCode::kInvalidInput,
                 "template: no partial '" + context.missing_partial() + "' (a file theme/" +
                     context.missing_partial() + ".mustache)",
                 file, line, 0};
  }
  if (!context.missing().empty()) {
    const auto [file, line] = impl_->find_tag(name, context.missing(), false);
    return Error{ErrorCode::kInvalidInput,
                 "template: unknown value '" + context.missing() + "' (docs/site-theme.md lists the values of " +
                     name + ")",
                 file, line, 0};
  }
  if (!tmpl.is_valid()) {
    // A partial that does not parse: every template was checked on loading, so
    // this is one the engine met only now.
    return Error{ErrorCode::kInvalidInput, "template: " + tmpl.error_message(), it->second.file, 0, 0};
  }
  return out;
}

}  // namespace podsmith::site
