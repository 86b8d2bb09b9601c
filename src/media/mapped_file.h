/// A read-only mapping of a file (mmap), for reading a large part of it without
/// copying it into a buffer, and the guard every read of such a mapping needs:
/// when another process truncates the file while it is mapped, touching a page
/// past its new end raises SIGBUS, which would end the whole process.
/// read_guarded() turns that into a false return for the thread that was reading.
/// Maps and guards only; opening and checking the file are the caller's.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>

namespace podsmith {

class MappedFile {
 public:
  /// Maps the first `size_bytes` (> 0) of the file open as `fd`, read-only and
  /// private; the descriptor may be closed afterwards. nullopt when mmap fails.
  static std::optional<MappedFile> map(int fd, int64_t size_bytes);

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  /// The mapped bytes. Read them only inside read_guarded().
  std::string_view bytes() const { return {data_, size_}; }

 private:
  MappedFile(const char* data, size_t size) : data_(data), size_(size) {}
  const char* data_ = nullptr;
  size_t size_ = 0;
};

/// Calls read(context) and returns true; or returns false as soon as it touches
/// a page of `range` that has no file behind it any more (SIGBUS), abandoning it
/// there (siglongjmp). So `read` must only read memory and write plain values:
/// no allocation, lock, I/O or object with a destructor, nothing that would be
/// left half done. The first call installs a SIGBUS handler for the process; a
/// SIGBUS that is not from a guarded range on the same thread goes on to the
/// handler installed before it, or else ends the process as it would have.
/// Guards do not nest: `read` must not call read_guarded().
bool read_guarded(std::string_view range, void (*read)(void* context), void* context);

/// read_guarded() for a lambda: read_guarded(bytes, [&] { n = count(bytes); }).
template <class Read>
bool read_guarded(std::string_view range, Read&& read) {
  using Fn = std::remove_reference_t<Read>;
  return read_guarded(
      range, [](void* context) { (*static_cast<Fn*>(context))(); },
      const_cast<void*>(static_cast<const void*>(std::addressof(read))));
}

}  // namespace podsmith
