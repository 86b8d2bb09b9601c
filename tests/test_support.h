/// Helpers shared by the tests: paths into the source tree, temporary
/// directories, running the built `podsmith` binary, and the reference values
/// scripts/make-sample-media recorded for the fixtures.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace podsmith::test {

/// PODSMITH_SOURCE_DIR/relative.
std::string source_path(const std::string& relative);

/// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  /// Writes `bytes` to path()/name and returns the full path.
  std::string write(const std::string& name, const std::string& bytes) const;

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

struct RunOptions {
  std::string cwd;                  // default: the source dir
  std::vector<std::string> prefix;  // put before the binary, e.g. setpriv ...
  std::string binary;               // default: the podsmith just built
  std::vector<std::string> env;     // extra NAME=value entries, e.g. TZ=Asia/Tokyo
  std::string stdin_file;           // default: /dev/null
};

/// Runs the podsmith binary with `args`, with NO_COLOR set so output is plain.
RunResult run_podsmith(const std::vector<std::string>& args, const RunOptions& options = {});

/// A full-decode duration recorded when the fixtures were made (durations.tsv).
struct ReferenceDuration {
  int64_t samples = 0;
  int sample_rate_hz = 0;
  int64_t duration_ms = 0;
};
/// Keyed by the path relative to the source dir ("tests/fixtures/media/cbr.mp3").
std::map<std::string, ReferenceDuration> reference_durations();

/// Chapters recorded in chapters.tsv, per file.
struct ReferenceChapter {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string title;
  std::string url;
};
std::map<std::string, std::vector<ReferenceChapter>> reference_chapters();

std::string read_file(const std::string& path);

/// probe() with podsmith's own readers and with TagLib only (ProbeOptions::
/// plain_readers = false): the same MediaInfo field for field, the same error,
/// the same cover art. Catch2 checks; for tests of the own readers.
void check_readers_agree(const std::string& path);

/// Copies a file or a directory tree.
void copy_tree(const std::string& from, const std::string& to);

/// A small workspace in `dir`: feeds/show.toml (base_url https://example.org/show/)
/// and media/ep1.mp3 (a copy of cbr.mp3) with its sidecar media/ep1.md.
void make_tiny_workspace(const std::filesystem::path& dir);

}  // namespace podsmith::test
