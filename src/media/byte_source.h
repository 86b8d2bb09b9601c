/// The bytes of one media file for the readers that look inside it (podsmith's
/// own, libmpg123, the MP4 box reader, TagLib through an adapter): reads go
/// through two buffer windows, so TagLib's many small reads and a whole-file MP3
/// frame scan cost a few large pread() calls instead of two system calls per
/// frame, a reader that only needs the headers never reads the rest of the
/// file, and one that looks at the end (an ID3v1 tag, Ogg's last page) keeps the
/// start. A window starts small (4 KiB: most headers fit) and grows to 64 KiB
/// while reads go on forward from it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "podsmith/base/error.h"

namespace podsmith {

class ByteSource {
 public:
  /// Opens `path` (a regular file of `size_bytes`). Errors: kUnreadable. With a
  /// directory descriptor, opens `name` in it instead (openat), `path` being its
  /// full name for messages.
  static Result<std::shared_ptr<ByteSource>> open(const std::string& path, int64_t size_bytes, int dir_fd = -1,
                                                  const char* name = nullptr);

  ~ByteSource();
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  const std::string& path() const { return path_; }
  int64_t size() const { return size_; }
  /// The open file, for mapping it (mapped_file.h); closed with the source.
  int fd() const { return fd_; }
  /// Copies up to `n` bytes from `offset`; returns how many (0 at the end or on error).
  size_t read_at(int64_t offset, char* out, size_t n);
  /// The bytes [offset, offset + n) without a copy, fewer at the end of the file
  /// or on a read error: valid until the next call. `n` is at most 64 KiB.
  std::string_view view(int64_t offset, size_t n);

 private:
  struct Window {
    std::unique_ptr<char[]> bytes;  // 64 KiB, allocated when first filled
    int64_t offset = 0;
    size_t size = 0;
    size_t fill_bytes = 0;          // how much its next fill reads
    uint64_t last_used = 0;
  };
  ByteSource() = default;
  // Reads window `w` so that it holds [offset, offset + n) (unless the file ends
  // first); `forward`: the read goes on from where `w` was.
  void fill(Window& w, int64_t offset, size_t n, bool forward);
  std::string path_;
  int64_t size_ = 0;
  int fd_ = -1;
  Window windows_[2];
  uint64_t uses_ = 0;
};

}  // namespace podsmith
