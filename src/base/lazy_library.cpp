#include "base/lazy_library.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

namespace podsmith {
namespace {

[[noreturn]] void give_up(const char* what, const char* package) {
  const char* reason = ::dlerror();
  std::fprintf(stderr, "podsmith: error: cannot load %s: %s (install the Debian package %s)\n", what,
               reason != nullptr ? reason : "not found", package);
  std::exit(1);
}

}  // namespace

void* LazyLibrary::symbol(const char* name) {
  std::call_once(loaded_, [this] {
    handle_ = ::dlopen(soname_, RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) give_up(soname_, package_);
  });
  ::dlerror();
  void* address = ::dlsym(handle_, name);
  if (address == nullptr) give_up(name, package_);
  return address;
}

}  // namespace podsmith
