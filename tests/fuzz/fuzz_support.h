/// What the libFuzzer targets in tests/fuzz/ share: a file that holds the input's
/// bytes, for the parsers that read only through a path or a ByteSource, and the
/// checks every target makes on what a parser returns. Each check that fails says
/// which (file:line: the condition) and ends the run with __builtin_trap(), which
/// libFuzzer reports as a crash and saves the input.
/// For the fuzz targets only (scripts/fuzz builds them); not part of the library.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "podsmith/base/error.h"
#include "podsmith/base/text.h"

namespace podsmith::fuzz {

/// The input as a string_view.
inline std::string_view bytes_of(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Says which check failed and stops the run (a crash libFuzzer saves).
[[noreturn]] inline void fail(const char* check, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, check);
  __builtin_trap();
}

}  // namespace podsmith::fuzz

/// Stops the run when `condition` is false, naming it.
#define FUZZ_REQUIRE(condition) ((condition) ? void() : ::podsmith::fuzz::fail(#condition, __FILE__, __LINE__))

namespace podsmith::fuzz {

/// Prints `s` with every byte outside printable ASCII as \xNN, for a failed check.
inline void show(const char* what, std::string_view s) {
  std::fprintf(stderr, "%s: \"", what);
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7F && b != '\\' && b != '"') {
      std::fputc(b, stderr);
    } else {
      std::fprintf(stderr, "\\x%02X", b);
    }
  }
  std::fprintf(stderr, "\"\n");
}

inline void require_utf8(std::string_view s) {
  if (!is_valid_utf8(s)) show("not UTF-8", s);
  FUZZ_REQUIRE(is_valid_utf8(s));
}

/// Valid UTF-8 without the control characters clean_text() removes.
inline void require_clean(std::string_view s) {
  if (!is_clean_text(s)) show("not clean text", s);
  FUZZ_REQUIRE(is_clean_text(s));
}

/// An Error must say what went wrong, in valid UTF-8.
inline void check_error(const Error& e) {
  FUZZ_REQUIRE(!e.message.empty());
  require_utf8(e.message);
  FUZZ_REQUIRE(e.line >= 0 && e.column >= 0);
}

/// An anonymous in-memory file (memfd) that each input is written into, reached
/// through /proc/self/fd/N as a regular file: no disk I/O and nothing left behind
/// when a run crashes. One per process, made on first use.
class InputFile {
 public:
  static InputFile& get() {
    static InputFile file;
    return file;
  }
  const std::string& path() const { return path_; }
  /// Replaces the file's bytes with `bytes`.
  void write(std::string_view bytes) {
    FUZZ_REQUIRE(::ftruncate(fd_, 0) == 0);
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
      FUZZ_REQUIRE(n > 0);
      done += static_cast<size_t>(n);
    }
  }

 private:
  InputFile() : fd_(::memfd_create("podsmith-fuzz", MFD_CLOEXEC)) {
    FUZZ_REQUIRE(fd_ >= 0);
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  int fd_;
  std::string path_;
};

}  // namespace podsmith::fuzz
