#include "podsmith/base/file_io.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <optional>
#include <set>

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

// Whether `path` exists (anything there but nothing counts), and whether it is a
// regular file that holds exactly `bytes`.
struct Existing {
  bool exists = false;
  bool same = false;
};

Existing existing(const std::string& path, std::string_view bytes) {
  // O_NONBLOCK: a FIFO by that name must not hang the write.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return {errno != ENOENT, false};
  struct stat st {};
  bool same = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<size_t>(st.st_size) == bytes.size();
  char buf[1 << 16];
  size_t at = 0;
  while (same) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      same = n == 0 && at == bytes.size();
      break;
    }
    const auto got = static_cast<size_t>(n);
    same = got <= bytes.size() - at && std::memcmp(buf, bytes.data() + at, got) == 0;
    at += got;
  }
  ::close(fd);
  return {true, same};
}

// Creates a hidden temporary file for `name` in `dir` (so that rename() is
// atomic), creating `dir` when missing. Its name is unique in this process by a
// counter and among running ones by the pid; O_EXCL skips the leftover of a dead
// process that had the same pid. (A std::random_device per file cost more than
// writing a small file.)
int create_temp(const std::string& dir, const std::string& name, std::string* temp) {
  static std::atomic<uint64_t> counter{0};
  const std::string prefix = dir + "/." + name + ".tmp-" + std::to_string(::getpid()) + "-";
  *temp = prefix + std::to_string(counter++);
  bool created_dir = false;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(temp->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) return fd;
    if (errno == EEXIST) {
      *temp = prefix + std::to_string(counter++);
    } else if (errno == ENOENT && !created_dir) {
      std::error_code ec;
      fs::create_directories(dir, ec);
      if (ec) {
        errno = ec.value();
        return -1;
      }
      created_dir = true;
    } else {
      return -1;
    }
  }
  return -1;
}

// Runs `fn(fd)` on the directory `dir`; false (errno set) when it cannot be opened
// or `fn` fails.
template <class Fn>
bool with_dir(const std::string& dir, const Fn& fn) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = fn(fd);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
}

// Reads fd to its end into a string sized for `expected` bytes. A short read()
// that has reached the expected size is the end (asked for one byte more than
// expected): a file of the size its stat said takes one read() instead of two.
// Short of the expected size it reads on until read() returns 0, as some file
// systems (FUSE) return short reads before the end.
Result<std::string> read_to_end(int fd, size_t expected, const std::string& path) {
  std::string out(expected + 1, '\0');
  size_t have = 0;
  for (;;) {
    if (have == out.size()) out.resize(out.size() * 2);
    const ssize_t n = ::read(fd, out.data() + have, out.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const Error e = errno_error(ErrorCode::kUnreadable, "cannot read", path);
      ::close(fd);
      return e;
    }
    const size_t asked = out.size() - have;
    have += static_cast<size_t>(n);
    if (n == 0 || (have >= expected && static_cast<size_t>(n) < asked)) break;
  }
  ::close(fd);
  out.resize(have);
  return out;
}

Error open_error(const std::string& path) {
  return errno_error(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kUnreadable, "cannot open", path);
}

}  // namespace

Result<std::string> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return open_error(path);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error{ErrorCode::kNotAFile, "is not a regular file", path, 0, 0};
  }
  return read_to_end(fd, static_cast<size_t>(st.st_size), path);
}

Result<std::string> read_listed_file(const std::string& path, int64_t size_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return open_error(path);
  return read_to_end(fd, size_bytes > 0 ? static_cast<size_t>(size_bytes) : 0, path);
}

FileBatch::FileBatch(Durability durability) : durability_(durability) {}

FileBatch::~FileBatch() {
  for (const Temp& t : temps_)
    if (!t.renamed) ::unlink(t.temp.c_str());
}

Result<WriteStatus> FileBatch::add(const std::string& path, std::string_view bytes, int stage) {
  const Existing now = existing(path, bytes);
  if (now.same) return WriteStatus::kUnchanged;
  const size_t slash = path.rfind('/');
  Temp t{slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash), path, {}, stage, false};
  const int fd = create_temp(t.dir, path.substr(slash + 1), &t.temp);
  if (fd < 0) return errno_error(ErrorCode::kUnreadable, "cannot create a temporary file", t.temp);
  const bool ok = write_all(fd, bytes);
  const int saved = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(t.temp.c_str());
    errno = saved;
    return errno_error(ErrorCode::kUnreadable, "cannot write", path);
  }
  temps_.push_back(std::move(t));
  return now.exists ? WriteStatus::kUpdated : WriteStatus::kCreated;
}

std::optional<Error> FileBatch::commit() {
  if (durability_ == Durability::kDurable) {
    if (auto e = flush()) return e;
  }
  std::set<int> stages;
  for (const Temp& t : temps_) stages.insert(t.stage);
  for (auto it = stages.begin(); it != stages.end(); ++it) {
    for (Temp& t : temps_) {
      if (t.stage != *it) continue;
      if (::rename(t.temp.c_str(), t.path.c_str()) != 0) return errno_error(ErrorCode::kUnreadable, "cannot replace", t.path);
      t.renamed = true;
    }
    // A rename is on disk once its directory is: POSIX's way, an fsync() of it.
    // Not after the last stage, as write_file_atomically() never did: a crash
    // then may leave the old feed, but never one that names a missing file.
    if (durability_ != Durability::kDurable || std::next(it) == stages.end()) continue;
    for (const std::string& dir : dirs(*it)) {
      if (!with_dir(dir, [](int fd) { return ::fsync(fd) == 0; }))
        return errno_error(ErrorCode::kUnreadable, "cannot write", dir);
    }
  }
  return std::nullopt;
}

// Every temporary file on disk at once: syncfs() per file system writes them (and
// the directories made for them) in one go, where an fsync() each waits for the
// disk once a file (146 pictures: 4 ms against 45). It also writes whatever else
// is waiting to go to that file system, so a single file is fsync()ed alone.
std::optional<Error> FileBatch::flush() const {
  if (temps_.size() == 1) {
    const Temp& t = temps_[0];
    const int fd = ::open(t.temp.c_str(), O_RDONLY | O_CLOEXEC);
    const bool ok = fd >= 0 && ::fsync(fd) == 0;
    const int saved = errno;
    if (fd >= 0) ::close(fd);
    errno = saved;
    return ok ? std::nullopt : std::optional<Error>(errno_error(ErrorCode::kUnreadable, "cannot write", t.path));
  }
  std::set<dev_t> done;
  for (const std::string& dir : dirs(std::nullopt)) {
    const bool ok = with_dir(dir, [&](int fd) {
      struct stat st {};
      return ::fstat(fd, &st) == 0 && (!done.insert(st.st_dev).second || ::syncfs(fd) == 0);
    });
    if (!ok) return errno_error(ErrorCode::kUnreadable, "cannot write", dir);
  }
  return std::nullopt;
}

std::set<std::string> FileBatch::dirs(std::optional<int> stage) const {
  std::set<std::string> out;
  for (const Temp& t : temps_)
    if (!stage || t.stage == *stage) out.insert(t.dir);
  return out;
}

Result<WriteStatus> write_file_atomically(const std::string& path, std::string_view bytes, Durability durability) {
  FileBatch batch(durability);
  auto status = batch.add(path, bytes);
  if (!status) return status;
  if (auto e = batch.commit()) return *e;
  return status;
}

bool is_stale_temp(std::string_view file_name) {
  // ".<name>.tmp-<pid>-<counter>", as create_temp() names them.
  if (file_name.size() < 2 || file_name[0] != '.') return false;
  const size_t tag = file_name.rfind(".tmp-");
  if (tag == std::string_view::npos || tag == 0) return false;
  const std::string_view rest = file_name.substr(tag + 5);
  const size_t dash = rest.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash + 1 == rest.size()) return false;
  const auto digits = [](std::string_view s) {
    return s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  const std::string_view pid_text = rest.substr(0, dash);
  if (!digits(pid_text) || !digits(rest.substr(dash + 1)) || pid_text.size() > 9) return false;
  pid_t pid = 0;
  for (const char c : pid_text) pid = pid * 10 + (c - '0');
  if (pid <= 0) return false;
  // kill(pid, 0) fails with ESRCH only when no such process exists (EPERM: it runs
  // as someone else). A reused pid keeps a stale file until that process ends.
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

int remove_stale_temps(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return 0;
  int removed = 0;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.' && is_stale_temp(e->d_name) && ::unlinkat(::dirfd(d), e->d_name, 0) == 0) ++removed;
  }
  ::closedir(d);
  return removed;
}

}  // namespace podsmith
