#include "cli/terminal.h"

#include <algorithm>
#include <chrono>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "podsmith/base/text.h"

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

bool colour_on_stdout() { return colour_on(STDOUT_FILENO); }
bool colour_on_stderr() { return colour_on(STDERR_FILENO); }

bool stdout_is_terminal() { return isatty(STDOUT_FILENO) == 1; }
bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

const char* status_name(WriteStatus status) {
  switch (status) {
    case WriteStatus::kCreated: return "created";
    case WriteStatus::kUpdated: return "updated";
    case WriteStatus::kUnchanged: return "unchanged";
  }
  return "unchanged";
}

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

namespace {
int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

std::string format_bytes(int64_t bytes) {
  char text[32];
  const double b = static_cast<double>(bytes);
  if (bytes < 1000) {
    std::snprintf(text, sizeof text, "%lld B", static_cast<long long>(bytes));
  } else if (bytes < 1000 * 1000) {
    std::snprintf(text, sizeof text, "%.1f KB", b / 1e3);
  } else if (bytes < int64_t{1000} * 1000 * 1000) {
    std::snprintf(text, sizeof text, "%.1f MB", b / 1e6);
  } else {
    std::snprintf(text, sizeof text, "%.2f GB", b / 1e9);
  }
  return text;
}

ByteProgress::ByteProgress(bool enabled) : enabled_(enabled && stderr_is_terminal()), started_ms_(now_ms()) {}

ByteProgress::~ByteProgress() { finish(); }

void ByteProgress::update(const std::string& file, int64_t file_done, int64_t file_size, int64_t done,
                          int64_t total) {
  if (!enabled_) return;
  const int64_t now = now_ms();
  if (now - last_draw_ms_ < 100 && done < total) return;
  last_draw_ms_ = now;
  const double seconds = static_cast<double>(std::max<int64_t>(now - started_ms_, 1)) / 1000.0;
  const int64_t rate = static_cast<int64_t>(static_cast<double>(done) / seconds);
  const int64_t percent = file_size > 0 ? file_done * 100 / file_size : 100;
  std::fprintf(stderr, "\r\033[K%s %lld%% | %s / %s, %s/s", file.c_str(), static_cast<long long>(percent),
               format_bytes(done).c_str(), format_bytes(total).c_str(), format_bytes(rate).c_str());
  std::fflush(stderr);
}

void ByteProgress::finish() {
  if (!enabled_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  enabled_ = false;
}

}  // namespace podsmith::cli
