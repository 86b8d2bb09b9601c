/// Errors as values: an Error names what went wrong and where (file, line, column),
/// and Result<T> holds either a value or an Error, in the shape of std::expected so it
/// can become one. Nothing here prints or exits; only the CLI's main turns an Error
/// into a stderr line and an exit code.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace podsmith {

enum class ErrorCode {
  kNotFound,      // the path does not exist
  kNotAFile,      // the path is a directory or another non-regular file
  kUnreadable,    // the file exists but cannot be opened or read
  kEmpty,         // zero bytes
  kUnsupported,   // not a media format podsmith reads (decided by content)
  kCorrupt,       // the right format, but damaged beyond reading
  kInvalidInput,  // any other bad input
};

struct Error {
  ErrorCode code = ErrorCode::kInvalidInput;
  std::string message;
  std::string file;  // empty when the error is not about a file
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown

  /// "file:line:column: message", leaving out the parts that are unknown.
  std::string to_string() const;
};

/// A value or an Error. Accessing the wrong alternative is a programming error
/// (std::bad_variant_access), as with std::expected's value().
template <class T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}      // NOLINT: implicit by design

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace podsmith
