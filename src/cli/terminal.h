/// How the CLI talks to people: colours only on a terminal and never with
/// NO_COLOR, diagnostics as one "file: error: message" line on stderr, and a
/// progress bar that appears only when stderr is a terminal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "podsmith/base/error.h"
#include "podsmith/base/file_io.h"

namespace podsmith::cli {

bool stdout_is_terminal();
bool stderr_is_terminal();
/// Colour is for terminals only, and never with NO_COLOR (https://no-color.org)
/// or TERM=dumb.
bool colour_on_stdout();
bool colour_on_stderr();

/// "path: error: message" on stderr (red "error" on a colour terminal).
void print_error(const Error& error);
/// "created", "updated" or "unchanged", as the commands that write files report them.
const char* status_name(WriteStatus status);
/// "path: warning: message" on stderr (yellow on a colour terminal).
void print_warning(const std::string& file, const std::string& message);

/// A one-line progress bar on stderr, redrawn in place; silent unless stderr is
/// a terminal. finish() clears the line.
class Progress {
 public:
  Progress(std::string label, size_t total, bool enabled);
  ~Progress();
  void update(size_t done);
  void finish();

 private:
  std::string label_;
  size_t total_;
  bool enabled_;
  size_t last_percent_ = 101;
};

/// A progress line for transfers on stderr: the current file's share, then all
/// bytes so far, the total and the rate ("media/ep1.mp3 41% | 12.0/250.0 MB
/// 85.3 MB/s"), redrawn at most ten times a second; silent unless stderr is a
/// terminal. finish() clears the line.
class ByteProgress {
 public:
  explicit ByteProgress(bool enabled);
  ~ByteProgress();
  void update(const std::string& file, int64_t file_done, int64_t file_size, int64_t done, int64_t total);
  void finish();

 private:
  bool enabled_;
  int64_t started_ms_;
  int64_t last_draw_ms_ = -1000;
};

/// "1.2 MB", "850 KB", "12 B" (powers of 1000, as network tools count).
std::string format_bytes(int64_t bytes);

}  // namespace podsmith::cli
