#include "test_support.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "podsmith/media/media_probe.h"
#include "podsmith/media/probe_cache.h"

extern char** environ;

namespace podsmith::test {
namespace fs = std::filesystem;

void check_readers_agree(const std::string& path) {
  CAPTURE(path);
  ProbeOptions taglib_only;
  taglib_only.plain_readers = false;
  const auto plain = probe(path);
  const auto reference = probe(path, taglib_only);
  REQUIRE(plain.has_value() == reference.has_value());
  if (!plain) {
    CHECK(plain.error().message == reference.error().message);
    return;
  }
  CHECK(media_info_to_json(*plain) == media_info_to_json(*reference));
  const auto art = read_cover_art(path);
  const auto art_reference = read_cover_art(path, taglib_only);
  REQUIRE(art.has_value() == art_reference.has_value());
  if (!art) return;
  REQUIRE(art->has_value() == art_reference->has_value());
  if (*art) {
    CHECK((*art)->mime_type == (*art_reference)->mime_type);
    CHECK((*art)->bytes == (*art_reference)->bytes);
  }
}

std::string source_path(const std::string& relative) {
  return (fs::path(PODSMITH_SOURCE_DIR) / relative).string();
}

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path p = fs::temp_directory_path() / ("podsmith-test-" + std::to_string(rd()));
    if (fs::create_directory(p)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temp dir");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& bytes) const {
  const fs::path p = path_ / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
  return p.string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

RunResult run_podsmith(const std::vector<std::string>& args, const RunOptions& options) {
  TempDir tmp;
  const std::string out_path = (tmp.path() / "stdout").string();
  const std::string err_path = (tmp.path() / "stderr").string();
  std::vector<std::string> argv_strings = options.prefix;
  argv_strings.push_back(options.binary.empty() ? std::string(PODSMITH_BINARY) : options.binary);
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_strings = {"NO_COLOR=1"};
  env_strings.insert(env_strings.end(), options.env.begin(), options.env.end());
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('=') + 1);
    const bool overridden = std::any_of(env_strings.begin(), env_strings.end(),
                                        [&](const std::string& x) { return x.rfind(name, 0) == 0; });
    if (!overridden) env_strings.push_back(entry);
  }
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  // `env -C DIR` sets the child's working directory without touching ours.
  std::vector<char*> full = argv;
  std::string env_bin = "/usr/bin/env", dash_c = "-C", dir = options.cwd.empty() ? std::string(PODSMITH_SOURCE_DIR) : options.cwd;
  full.insert(full.begin(), {env_bin.data(), dash_c.data(), dir.data()});

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string input = options.stdin_file.empty() ? "/dev/null" : options.stdin_file;
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, input.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, full[0], &actions, nullptr, full.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot run podsmith");
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

void copy_tree(const std::string& from, const std::string& to) {
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

void make_tiny_workspace(const fs::path& dir) {
  fs::create_directories(dir / "feeds");
  fs::create_directories(dir / "media");
  std::ofstream(dir / "feeds/show.toml") << "title = \"Tiny Show\"\n"
                                            "description = \"A *tiny* show.\"\n"
                                            "language = \"en\"\n"
                                            "author = \"Tester\"\n"
                                            "base_url = \"https://example.org/show/\"\n"
                                            "categories = [\"Technology\"]\n"
                                            "explicit = false\n";
  fs::copy_file(source_path("tests/fixtures/media/cbr.mp3"), dir / "media/ep1.mp3");
  std::ofstream(dir / "media/ep1.md") << "+++\n"
                                         "title = \"Episode one\"\n"
                                         "guid = \"6c1f5b0e-8a43-4f7d-9e2b-3d5c7a9e1f00\"\n"
                                         "date = 2024-05-01T09:00:00+02:00\n"
                                         "episode = 1\n"
                                         "+++\n"
                                         "The first one.\n";
}

namespace {

std::vector<std::vector<std::string>> read_tsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(path);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      header = false;
      continue;
    }
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::string field;
    std::istringstream s(line);
    while (std::getline(s, field, '\t')) fields.push_back(field);
    rows.push_back(fields);
  }
  if (rows.empty()) throw std::runtime_error("no rows in " + path);
  return rows;
}

}  // namespace

std::map<std::string, ReferenceDuration> reference_durations() {
  std::map<std::string, ReferenceDuration> out;
  for (const auto& f : read_tsv(source_path("tests/fixtures/media/durations.tsv"))) {
    out[f.at(0)] = ReferenceDuration{std::stoll(f.at(1)), std::stoi(f.at(2)), std::stoll(f.at(3))};
  }
  return out;
}

std::map<std::string, std::vector<ReferenceChapter>> reference_chapters() {
  std::map<std::string, std::vector<ReferenceChapter>> out;
  for (const auto& f : read_tsv(source_path("tests/fixtures/media/chapters.tsv"))) {
    out[f.at(0)].push_back(
        ReferenceChapter{std::stoll(f.at(2)), std::stoll(f.at(3)), f.at(4), f.size() > 5 ? f.at(5) : ""});
  }
  return out;
}

}  // namespace podsmith::test
