// The libcurl functions podsmith calls, each forwarding to libcurl.so.4 loaded on
// first use (see lazy_library.h for why). Every caller of libcurl in podsmith and
// its tests links against these definitions, not against libcurl: a function missing
// here is a link error, not a surprise at run time.
#define CURL_DISABLE_TYPECHECK  // the type-checking macros would rename the definitions below
#include <curl/curl.h>

#include <cstdarg>

#include "base/lazy_library.h"

namespace {

podsmith::LazyLibrary& libcurl() {
  static podsmith::LazyLibrary library("libcurl.so.4", "libcurl4");
  return library;
}

// The real function `name`, looked up once.
#define PODSMITH_REAL(name) static auto* const real = podsmith::lazy_function(libcurl(), &name, #name)

// curl_easy_setopt and curl_multi_setopt take one argument after the option whose
// type the option's number tells (curl.h's CURLOPTTYPE_* ranges); it is read as that
// type and passed on.
template <typename Real, typename Handle, typename Option>
auto forward_option(Real* real, Handle* handle, Option option, va_list args) {
  switch (static_cast<int>(option) / 10000 * 10000) {
    case CURLOPTTYPE_LONG:
      return real(handle, option, va_arg(args, long));
    case CURLOPTTYPE_OFF_T:
      return real(handle, option, va_arg(args, curl_off_t));
    case CURLOPTTYPE_FUNCTIONPOINT:
      return real(handle, option, va_arg(args, void (*)()));
    default:  // object, string, list and callback-data pointers; blobs
      return real(handle, option, va_arg(args, void*));
  }
}

}  // namespace

CURLcode curl_global_init(long flags) {
  PODSMITH_REAL(curl_global_init);
  return real(flags);
}

char* curl_version() {
  PODSMITH_REAL(curl_version);
  return real();
}

CURL* curl_easy_init() {
  PODSMITH_REAL(curl_easy_init);
  return real();
}

CURLcode curl_easy_setopt(CURL* curl, CURLoption option, ...) {
  PODSMITH_REAL(curl_easy_setopt);
  va_list args;
  va_start(args, option);
  const CURLcode code = forward_option(real, curl, option, args);
  va_end(args);
  return code;
}

CURLcode curl_easy_getinfo(CURL* curl, CURLINFO info, ...) {
  PODSMITH_REAL(curl_easy_getinfo);
  va_list args;
  va_start(args, info);
  void* out = va_arg(args, void*);  // every CURLINFO_* takes a pointer to where the answer goes
  va_end(args);
  return real(curl, info, out);
}

CURLcode curl_easy_perform(CURL* curl) {
  PODSMITH_REAL(curl_easy_perform);
  return real(curl);
}

void curl_easy_reset(CURL* curl) {
  PODSMITH_REAL(curl_easy_reset);
  real(curl);
}

void curl_easy_cleanup(CURL* curl) {
  PODSMITH_REAL(curl_easy_cleanup);
  real(curl);
}

const char* curl_easy_strerror(CURLcode code) {
  PODSMITH_REAL(curl_easy_strerror);
  return real(code);
}

char* curl_easy_escape(CURL* curl, const char* string, int length) {
  PODSMITH_REAL(curl_easy_escape);
  return real(curl, string, length);
}

void curl_free(void* p) {
  PODSMITH_REAL(curl_free);
  real(p);
}

curl_slist* curl_slist_append(curl_slist* list, const char* string) {
  PODSMITH_REAL(curl_slist_append);
  return real(list, string);
}

void curl_slist_free_all(curl_slist* list) {
  PODSMITH_REAL(curl_slist_free_all);
  real(list);
}

CURLM* curl_multi_init() {
  PODSMITH_REAL(curl_multi_init);
  return real();
}

CURLMcode curl_multi_setopt(CURLM* multi, CURLMoption option, ...) {
  PODSMITH_REAL(curl_multi_setopt);
  va_list args;
  va_start(args, option);
  const CURLMcode code = forward_option(real, multi, option, args);
  va_end(args);
  return code;
}

CURLMcode curl_multi_add_handle(CURLM* multi, CURL* curl) {
  PODSMITH_REAL(curl_multi_add_handle);
  return real(multi, curl);
}

CURLMcode curl_multi_remove_handle(CURLM* multi, CURL* curl) {
  PODSMITH_REAL(curl_multi_remove_handle);
  return real(multi, curl);
}

CURLMcode curl_multi_perform(CURLM* multi, int* running) {
  PODSMITH_REAL(curl_multi_perform);
  return real(multi, running);
}

CURLMcode curl_multi_poll(CURLM* multi, curl_waitfd extra_fds[], unsigned extra_nfds, int timeout_ms, int* numfds) {
  PODSMITH_REAL(curl_multi_poll);
  return real(multi, extra_fds, extra_nfds, timeout_ms, numfds);
}

CURLMsg* curl_multi_info_read(CURLM* multi, int* msgs_in_queue) {
  PODSMITH_REAL(curl_multi_info_read);
  return real(multi, msgs_in_queue);
}

const char* curl_multi_strerror(CURLMcode code) {
  PODSMITH_REAL(curl_multi_strerror);
  return real(code);
}

CURLMcode curl_multi_cleanup(CURLM* multi) {
  PODSMITH_REAL(curl_multi_cleanup);
  return real(multi);
}

CURLU* curl_url() {
  PODSMITH_REAL(curl_url);
  return real();
}

void curl_url_cleanup(CURLU* url) {
  PODSMITH_REAL(curl_url_cleanup);
  real(url);
}

CURLUcode curl_url_set(CURLU* url, CURLUPart part, const char* content, unsigned int flags) {
  PODSMITH_REAL(curl_url_set);
  return real(url, part, content, flags);
}

CURLUcode curl_url_get(CURLU* url, CURLUPart part, char** content, unsigned int flags) {
  PODSMITH_REAL(curl_url_get);
  return real(url, part, content, flags);
}
