#include "terminal.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "podsmith/text.h"

namespace podsmith::cli {
namespace {

bool colour_on(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;  // https://no-color.org: any non-empty value
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return isatty(fd) == 1;
}

void diagnostic(const std::string& where, const char* level, const char* colour, const std::string& message) {
  const bool colour_ok = colour_on(STDERR_FILENO);
  std::string line = clean_text(where);
  if (!line.empty()) line += ": ";
  line += colour_ok ? std::string(colour) + level + "\033[0m" : level;
  line += ": " + clean_text(message) + "\n";
  std::fputs(line.c_str(), stderr);
}

}  // namespace

bool stdout_is_terminal() { return isatty(STDOUT_FILENO) == 1; }
bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

void print_error(const Error& error) {
  std::string where = error.file;
  if (!where.empty() && error.line > 0) {
    where += ":" + std::to_string(error.line);
    if (error.column > 0) where += ":" + std::to_string(error.column);
  }
  diagnostic(where, "error", "\033[1;31m", error.message);
}

void print_warning(const std::string& file, const std::string& message) {
  diagnostic(file, "warning", "\033[1;33m", message);
}

Progress::Progress(std::string label, size_t total, bool enabled)
    : label_(std::move(label)), total_(total), enabled_(enabled && stderr_is_terminal() && total > 0) {}

Progress::~Progress() { finish(); }

void Progress::update(size_t done) {
  if (!enabled_) return;
  const size_t percent = done * 100 / total_;
  if (percent == last_percent_) return;
  last_percent_ = percent;
  constexpr size_t kWidth = 30;
  const size_t filled = done * kWidth / total_;
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r%s [%s] %zu/%zu (%zu%%)", label_.c_str(), bar.c_str(), done, total_, percent);
  std::fflush(stderr);
}

void Progress::finish() {
  if (!enabled_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  enabled_ = false;
}

}  // namespace podsmith::cli
