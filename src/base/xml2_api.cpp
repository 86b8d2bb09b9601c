// The libxml2 functions podsmith calls (its HTML parser, for show notes in
// notes.cpp), each forwarding to libxml2.so.2 loaded on first use (see
// lazy_library.h for why: libxml2 brings ICU and liblzma, and most runs — a probe,
// a build of Markdown notes without raw HTML, which md4c's parser renders alone —
// never parse HTML). A function missing here is a
// link error; libxml2's global variables (xmlFree, ...) cannot be forwarded, so
// notes.cpp uses none.
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "base/lazy_library.h"

namespace {

podsmith::LazyLibrary& libxml2() {
  static podsmith::LazyLibrary library("libxml2.so.2", "libxml2");
  return library;
}

// The real function `name`, looked up once.
#define PODSMITH_REAL(name) static auto* const real = podsmith::lazy_function(libxml2(), &name, #name)

}  // namespace

void xmlInitParser() {
  PODSMITH_REAL(xmlInitParser);
  real();
}

htmlDocPtr htmlReadMemory(const char* buffer, int size, const char* url, const char* encoding, int options) {
  PODSMITH_REAL(htmlReadMemory);
  return real(buffer, size, url, encoding, options);
}

void xmlFreeDoc(xmlDocPtr doc) {
  PODSMITH_REAL(xmlFreeDoc);
  real(doc);
}
