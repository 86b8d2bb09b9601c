/// The bytes of one media file for the readers that look inside it (libmpg123,
/// the MP4 box reader, TagLib through an adapter): reads go through one buffer
/// window, so TagLib's many small reads and a whole-file MP3 frame scan cost a
/// few large pread() calls instead of two system calls per frame, and a reader
/// that only needs the headers never reads the rest of the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "podsmith/error.h"

namespace podsmith {

class ByteSource {
 public:
  /// Opens `path` (a regular file of `size_bytes`). Errors: kUnreadable.
  static Result<std::shared_ptr<ByteSource>> open(const std::string& path, int64_t size_bytes);

  ~ByteSource();
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  const std::string& path() const { return path_; }
  int64_t size() const { return size_; }
  /// Copies up to `n` bytes from `offset`; returns how many (0 at the end or on error).
  size_t read_at(int64_t offset, char* out, size_t n);

 private:
  ByteSource() = default;
  std::string path_;
  int64_t size_ = 0;
  int fd_ = -1;
  std::unique_ptr<char[]> window_;  // kWindowBytes, filled from window_offset_
  size_t window_size_ = 0;
  int64_t window_offset_ = 0;
};

}  // namespace podsmith
