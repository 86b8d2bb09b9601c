/// Writes JSON text straight into a string, for the outputs written once per media
/// file (`probe --json`, the probe cache), where building a DOM first costs more
/// than probing a small file. The bytes are those nlohmann::json's dump() writes
/// (indent 2, or compact): the same escapes, UTF-8 kept as it is. Callers pass
/// valid UTF-8 (every string in a MediaInfo is); nothing here checks it. No
/// parsing, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "podsmith/base/media_info.h"

namespace podsmith {

class JsonWriter {
 public:
  /// Appends to *out. indent: spaces per level, 0 for compact output.
  explicit JsonWriter(std::string* out, int indent = 0) : out_(out), indent_(indent) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  /// The key of the next value in the open object.
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(int64_t n);
  JsonWriter& value(int n) { return value(int64_t{n}); }
  JsonWriter& value(bool b);
  /// Text that already is one JSON value (e.g. a stored object), written as is.
  JsonWriter& raw(std::string_view json);

 private:
  void before_value();
  void newline();
  JsonWriter& close(char bracket);

  std::string* out_;
  int indent_;
  std::vector<int> counts_;  // values written so far in each open container
  bool after_key_ = false;
};

/// `s` as a JSON string literal, quotes included, appended to *out.
void append_json_string(std::string* out, std::string_view s);

/// An Artwork as {"mime_type", "width", "height", "size_bytes", "kind"}: the one
/// mapping `probe --json` and the probe cache share.
void write_artwork_json(JsonWriter& w, const Artwork& a);

}  // namespace podsmith
