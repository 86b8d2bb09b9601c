#include "media/byte_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace podsmith {
namespace {

constexpr size_t kWindowBytes = 64 << 10;
constexpr size_t kFirstFillBytes = 4 << 10;

// pread until `n` bytes or the end of the file.
size_t pread_all(int fd, char* out, size_t n, int64_t offset) {
  size_t done = 0;
  while (done < n) {
    const ssize_t got = ::pread(fd, out + done, n - done, static_cast<off_t>(offset) + static_cast<off_t>(done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    done += static_cast<size_t>(got);
  }
  return done;
}

}  // namespace

Result<std::shared_ptr<ByteSource>> ByteSource::open(const std::string& path, int64_t size_bytes, int dir_fd,
                                                      const char* name) {
  std::shared_ptr<ByteSource> source(new ByteSource());
  source->path_ = path;
  source->size_ = size_bytes;
  source->fd_ = dir_fd >= 0 ? ::openat(dir_fd, name, O_RDONLY | O_CLOEXEC) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (source->fd_ < 0) return Error{ErrorCode::kUnreadable, std::string("cannot open: ") + std::strerror(errno), path, 0, 0};
  return source;
}

ByteSource::~ByteSource() {
  if (fd_ >= 0) ::close(fd_);
}

void ByteSource::fill(Window& w, int64_t offset, size_t n, bool forward) {
  if (!w.bytes) w.bytes.reset(new char[kWindowBytes]);  // not zeroed: every byte used is read first
  // Reads that go on forward from the window (a frame scan, a reader walking the
  // file) get bigger ones and start where asked; others start at a page boundary.
  w.fill_bytes = w.fill_bytes == 0 ? kFirstFillBytes
                 : forward         ? std::min(w.fill_bytes * 2, kWindowBytes)
                                   : w.fill_bytes;
  int64_t start = offset;
  if (forward && offset - w.offset <= static_cast<int64_t>(kFirstFillBytes) &&
      static_cast<size_t>(offset - w.offset) + n <= kWindowBytes) {
    start = w.offset;  // a small window grows in place: its first bytes may be needed again
  } else if (!forward && static_cast<size_t>(offset % 4096) + n <= kWindowBytes) {
    start = offset - offset % 4096;
  }
  size_t want = std::min(static_cast<size_t>(offset - start) + std::max(n, w.fill_bytes), kWindowBytes);
  want = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(want), size_ - start));  // no read at the end
  w.size = pread_all(fd_, w.bytes.get(), want, start);
  w.offset = start;
}

size_t ByteSource::read_at(int64_t offset, char* out, size_t n) {
  if (offset < 0 || offset >= size_ || n == 0) return 0;  // (TagLib asks for 0 bytes into no buffer)
  n = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(n), size_ - offset));
  if (n >= kWindowBytes) return pread_all(fd_, out, n, offset);
  const std::string_view bytes = view(offset, n);
  std::memcpy(out, bytes.data(), bytes.size());
  return bytes.size();
}

std::string_view ByteSource::view(int64_t offset, size_t n) {
  if (offset < 0 || offset >= size_) return {};
  n = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(std::min(n, kWindowBytes)), size_ - offset));
  const auto holds = [&](const Window& w) {
    return offset >= w.offset && offset + static_cast<int64_t>(n) <= w.offset + static_cast<int64_t>(w.size);
  };
  Window* w = holds(windows_[0]) ? &windows_[0] : holds(windows_[1]) ? &windows_[1] : nullptr;
  if (!w) {
    // Refill the window this read goes on from (it starts inside it or a little
    // past its end), else the one used least recently.
    const auto continues = [&](const Window& x) {
      return x.size > 0 && offset > x.offset && offset <= x.offset + static_cast<int64_t>(x.size + kFirstFillBytes);
    };
    const bool forward = continues(windows_[0]) || continues(windows_[1]);
    w = continues(windows_[0])   ? &windows_[0]
        : continues(windows_[1]) ? &windows_[1]
        : windows_[0].last_used <= windows_[1].last_used ? &windows_[0]
                                                          : &windows_[1];
    fill(*w, offset, n, forward);
  }
  w->last_used = ++uses_;
  const auto at = static_cast<size_t>(offset - w->offset);
  if (at >= w->size) return {};
  return std::string_view(w->bytes.get() + at, std::min(n, w->size - at));
}

}  // namespace podsmith
