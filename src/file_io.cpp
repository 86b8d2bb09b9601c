#include "podsmith/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace podsmith {
namespace fs = std::filesystem;
namespace {

Error errno_error(ErrorCode code, const std::string& what, const std::string& path) {
  return Error{code, what + ": " + std::strerror(errno), path, 0, 0};
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

Result<std::string> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return errno_error(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kUnreadable, "cannot open", path);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error{ErrorCode::kNotAFile, "is not a regular file", path, 0, 0};
  }
  std::string out;
  out.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const Error e = errno_error(ErrorCode::kUnreadable, "cannot read", path);
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Result<WriteStatus> write_file_atomically(const std::string& path, std::string_view bytes) {
  std::error_code ec;
  const bool existed = fs::exists(path, ec);
  if (existed) {
    auto current = read_file(path);
    if (current && *current == bytes) return WriteStatus::kUnchanged;
  }
  const fs::path target(path);
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) return Error{ErrorCode::kUnreadable, "cannot create directory: " + ec.message(),
                        target.parent_path().string(), 0, 0};
  }
  // A hidden temporary name in the same directory, so rename() is atomic.
  std::random_device rd;
  const std::string temp = (target.parent_path() / ("." + target.filename().string() + ".tmp-" +
                                                    std::to_string(rd()))).string();
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return errno_error(ErrorCode::kUnreadable, "cannot create a temporary file", temp);
  const bool ok = write_all(fd, bytes) && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(temp.c_str());
    errno = saved;
    return errno_error(ErrorCode::kUnreadable, "cannot write", path);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const Error e = errno_error(ErrorCode::kUnreadable, "cannot replace", path);
    ::unlink(temp.c_str());
    return e;
  }
  return existed ? WriteStatus::kUpdated : WriteStatus::kCreated;
}

}  // namespace podsmith
