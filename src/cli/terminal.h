/// How the CLI talks to people: colours only on a terminal and never with
/// NO_COLOR, diagnostics as one "file: error: message" line on stderr, and a
/// progress bar that appears only when stderr is a terminal.
#pragma once

#include <cstddef>
#include <string>

#include "podsmith/error.h"

namespace podsmith::cli {

bool stdout_is_terminal();
bool stderr_is_terminal();

/// "path: error: message" on stderr (red "error" on a colour terminal).
void print_error(const Error& error);
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

}  // namespace podsmith::cli
