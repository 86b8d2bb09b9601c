/// serve: `podsmith serve`, a local preview of a workspace exactly as `podsmith
/// publish` would put it at base_url: the site at /, media/ and feeds/ beside it.
/// published_tree.h maps a request path onto the one file it may serve (or none);
/// http_validators.h holds the ETag / Last-Modified / 304 rules and the content
/// types; watcher.h notices edits under feeds/, media/ and theme/; server.h runs
/// the HTTP server (cpp-httplib), rebuilds on change and tells open pages to
/// reload. Start with server.h.
#pragma once

#include "podsmith/serve/http_validators.h"
#include "podsmith/serve/published_tree.h"
#include "podsmith/serve/server.h"
#include "podsmith/serve/watcher.h"
