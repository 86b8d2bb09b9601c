/// Reading and writing whole files the way podsmith promises: a write goes to a
/// temporary file in the same directory and is renamed over the target, so a
/// reader sees the old bytes or the new ones, never half; a file whose bytes
/// would not change is not touched at all (its mtime, and a web server's ETag,
/// stay put).
#pragma once

#include <string>
#include <string_view>

#include "podsmith/error.h"

namespace podsmith {

enum class WriteStatus { kCreated, kUpdated, kUnchanged };

/// Writes `bytes` to `path` atomically, creating parent directories. When the
/// file already holds exactly `bytes`, returns kUnchanged and writes nothing. On
/// failure the previous file is left as it was and no temporary file remains.
Result<WriteStatus> write_file_atomically(const std::string& path, std::string_view bytes);

/// The whole file. Errors: kNotFound, kNotAFile, kUnreadable.
Result<std::string> read_file(const std::string& path);

}  // namespace podsmith
