// Shared libraries that only some commands need, loaded on first use.
//
// podsmith is linked without libcurl and libcrypto. With what they pull in (libssl,
// libssh2, GnuTLS, Kerberos, LDAP, nghttp2, ...: 33 of the program's 47 libraries)
// they made every start of the program ~6 ms slower, most of it in the dynamic
// loader, which is most of what a no-change `build` or a `probe` of one file costs.
// Instead, curl_api.cpp and crypto_api.cpp define the functions of those libraries
// that podsmith calls; each forwards to the real one, found with dlopen/dlsym the
// first time it is called. Callers include <curl/curl.h> and <openssl/*.h> and call
// the documented API as usual.
#pragma once

#include <mutex>

namespace podsmith {

/// A library opened at most once per process with dlopen (RTLD_NOW | RTLD_LOCAL:
/// its symbols stay out of the process' global scope).
class LazyLibrary {
 public:
  LazyLibrary(const char* soname, const char* package) : soname_(soname), package_(package) {}

  /// The address of `name` in the library, loading it first if needed. When the
  /// library or the symbol is missing, prints one line naming it, what dlerror()
  /// said and the Debian package to install, and exits with status 1: an
  /// installation without it cannot go on. Thread-safe.
  void* symbol(const char* name);

 private:
  const char* soname_;
  const char* package_;
  std::once_flag loaded_;
  void* handle_ = nullptr;
};

/// symbol() with the type of the declaration it stands in for, e.g.
///   static const auto real = lazy_function(library, &curl_easy_init, "curl_easy_init");
template <typename Function>
Function* lazy_function(LazyLibrary& library, Function* /*declaration*/, const char* name) {
  return reinterpret_cast<Function*>(library.symbol(name));
}

}  // namespace podsmith
