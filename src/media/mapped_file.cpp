#include "media/mapped_file.h"

#include <sys/mman.h>

#include <atomic>
#include <csetjmp>
#include <csignal>
#include <cstdint>
#include <mutex>
#include <utility>

namespace podsmith {
namespace {

// What a thread's read_guarded() guards, and where it goes back to.
struct Guard {
  sigjmp_buf resume;
  const char* begin = nullptr;
  const char* end = nullptr;
};

// Set only while a read runs. A plain pointer with no constructor, so that the
// handler reads it directly, with no call into a TLS wrapper.
constinit thread_local Guard* t_guard = nullptr;

// The SIGBUS action that was in place before ours.
struct sigaction g_previous;

void on_sigbus(int signo, siginfo_t* info, void* context) {
  Guard* const guard = t_guard;
  const auto* address = static_cast<const char*>(info->si_addr);
  // si_code > 0: raised by the kernel for an access, not sent with kill().
  if (guard && info->si_code > 0 && address >= guard->begin && address < guard->end) siglongjmp(guard->resume, 1);

  // Not ours: what would have happened without us.
  if (g_previous.sa_flags & SA_SIGINFO) {
    if (g_previous.sa_sigaction) {
      g_previous.sa_sigaction(signo, info, context);
      return;
    }
  } else if (g_previous.sa_handler == SIG_IGN) {
    if (info->si_code <= 0) return;  // an ignored kill(); a fault cannot be ignored
  } else if (g_previous.sa_handler != SIG_DFL) {
    g_previous.sa_handler(signo);
    return;
  }
  // The default action: once it is back, the access faults again when this
  // returns and ends the process with SIGBUS; a kill() is sent again.
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  sigaction(SIGBUS, &fallback, nullptr);
  if (info->si_code <= 0) raise(SIGBUS);
}

void install_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_sigaction = on_sigbus;
    // SA_NODEFER: SIGBUS is not blocked while the handler runs, so leaving it
    // with siglongjmp needs no saved signal mask, and sigsetjmp no system call.
    action.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(SIGBUS, &action, &g_previous);
  });
}

}  // namespace

std::optional<MappedFile> MappedFile::map(int fd, int64_t size_bytes) {
  if (size_bytes <= 0 || static_cast<uint64_t>(size_bytes) > SIZE_MAX) return std::nullopt;
  const auto size = static_cast<size_t>(size_bytes);
  // No MAP_POPULATE or madvise(SEQUENTIAL, WILLNEED): measured on the benchmark's
  // files, each cost as much as the page faults it saved, or more.
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (data == MAP_FAILED) return std::nullopt;
  return MappedFile(static_cast<const char*>(data), size);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  std::swap(data_, other.data_);
  std::swap(size_, other.size_);
  return *this;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<char*>(data_), size_);
}

bool read_guarded(std::string_view range, void (*read)(void* context), void* context) {
  install_handler();
  Guard guard;
  guard.begin = range.data();
  guard.end = range.data() + range.size();
  if (sigsetjmp(guard.resume, 0) != 0) {  // back from on_sigbus: the read was abandoned
    t_guard = nullptr;
    return false;
  }
  t_guard = &guard;
  std::atomic_signal_fence(std::memory_order_seq_cst);  // set before the first access, cleared after the last
  read(context);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t_guard = nullptr;
  return true;
}

}  // namespace podsmith
