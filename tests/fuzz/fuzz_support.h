/// What the libFuzzer targets in tests/fuzz/ share: a file that holds the input's
/// bytes, for the parsers that read only through a path or a ByteSource, and the
/// checks every target makes on what a parser returns. Each check that fails ends
/// the run with __builtin_trap(), which libFuzzer reports as a crash with the input.
/// For the fuzz targets only (scripts/fuzz builds them); not part of the library.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "podsmith/base/error.h"
#include "podsmith/base/text.h"

namespace podsmith::fuzz {

/// The input as a string_view.
inline std::string_view bytes_of(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Stops the run (a crash libFuzzer saves) when `ok` is false.
inline void require(bool ok) {
  if (!ok) __builtin_trap();
}

inline void require_utf8(std::string_view s) { require(is_valid_utf8(s)); }

/// An Error must say what went wrong, in valid UTF-8.
inline void check_error(const Error& e) {
  require(!e.message.empty());
  require_utf8(e.message);
  require(e.line >= 0 && e.column >= 0);
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
    require(::ftruncate(fd_, 0) == 0);
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
      require(n > 0);
      done += static_cast<size_t>(n);
    }
  }

 private:
  InputFile() : fd_(::memfd_create("podsmith-fuzz", MFD_CLOEXEC)) {
    require(fd_ >= 0);
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  int fd_;
  std::string path_;
};

}  // namespace podsmith::fuzz
