#include "byte_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace podsmith {
namespace {

constexpr size_t kWindowBytes = 64 << 10;

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

Result<std::shared_ptr<ByteSource>> ByteSource::open(const std::string& path, int64_t size_bytes) {
  std::shared_ptr<ByteSource> source(new ByteSource());
  source->path_ = path;
  source->size_ = size_bytes;
  source->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (source->fd_ < 0) return Error{ErrorCode::kUnreadable, std::string("cannot open: ") + std::strerror(errno), path, 0, 0};
  source->window_.reset(new char[kWindowBytes]);  // not zeroed: every byte used is read first
  return source;
}

ByteSource::~ByteSource() {
  if (fd_ >= 0) ::close(fd_);
}

size_t ByteSource::read_at(int64_t offset, char* out, size_t n) {
  if (offset < 0 || offset >= size_) return 0;
  n = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(n), size_ - offset));
  if (n >= kWindowBytes) return pread_all(fd_, out, n, offset);
  const int64_t window_end = window_offset_ + static_cast<int64_t>(window_size_);
  if (offset < window_offset_ || offset + static_cast<int64_t>(n) > window_end) {
    window_size_ = pread_all(fd_, window_.get(), kWindowBytes, offset);
    window_offset_ = offset;
    n = std::min(n, window_size_);
  }
  std::memcpy(out, window_.get() + (offset - window_offset_), n);
  return n;
}

}  // namespace podsmith
