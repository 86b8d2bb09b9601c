// `podsmith build` killed with SIGKILL at 50 moments spread over a build of a
// 1,000-episode workspace in which many sidecars and media files changed. After
// every kill, each feed on disk must be the old one or the new one, every file
// under feeds/ that it names must be whole (the bytes of that same build), every
// media file it names must exist, and the next build must finish with exactly the
// outputs of an uninterrupted build (no temporary file left behind either).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <thread>

#include "test_support.h"

namespace fs = std::filesystem;
using podsmith::test::read_file;
using podsmith::test::run_podsmith;
using podsmith::test::RunOptions;
using podsmith::test::source_path;
using podsmith::test::TempDir;

extern char** environ;

namespace {

constexpr int kEpisodes = 1000;
constexpr int kKills = 50;
constexpr const char* kBaseUrl = "https://kill.example.org/";

// Fixture media cycled through the episodes: MP3 (CBR, VBR with Xing, ID3
// chapters), AAC, FLAC with cover art, Opus, Vorbis.
const std::vector<std::string> kKinds = {"cbr.mp3", "vbr-xing.mp3", "aac.m4a",    "flac.flac",
                                         "chapters.mp3", "opus.opus", "vorbis.ogg"};

std::string stem_of(int i) { return "ep" + std::to_string(i); }

void write_file(const fs::path& path, const std::string& bytes) {
  // A new inode, never an edit in place: the trial copies share media/ by hard links.
  const fs::path temp = path.string() + ".new";
  std::ofstream(temp, std::ios::binary) << bytes;
  fs::rename(temp, path);
}

std::string sidecar(int i, bool changed) {
  std::string s = "+++\ntitle = \"Episode " + std::to_string(i) + (changed ? " (revised)" : "") + "\"\n";
  char guid[64];
  std::snprintf(guid, sizeof guid, "00000000-0000-4000-8000-%012d", i + 1);
  s += "guid = \"" + std::string(guid) + "\"\n";
  char date[64];
  std::snprintf(date, sizeof date, "20%02d-%02d-%02dT09:00:00+01:00", 10 + i / 336, 1 + (i / 28) % 12, 1 + i % 28);
  s += "date = " + std::string(date) + "\n";
  s += "episode = " + std::to_string(i + 1) + "\n";
  if (i % 7 == 3) s += "chapters = \"" + stem_of(i) + ".chapters.txt\"\n";
  if (i % 11 == 5) s += "transcripts = [\"" + stem_of(i) + ".vtt\"]\n";
  s += "+++\nNotes for episode " + std::to_string(i) + ", with a [link](https://example.org/" + std::to_string(i) +
       ") and **bold** text.\n";
  if (changed) s += "\nA correction, added later.\n";
  return s;
}

std::string chapters_txt(int i, bool changed) {
  return "00:00:00 Opening\n00:00:01.500 " + std::string(changed ? "The news, revised" : "The news") + " <https://example.org/" +
         std::to_string(i) + ">\n";
}

std::string transcript_vtt(int i) {
  return "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello from episode " + std::to_string(i) + ".\n";
}

// The change between the old and the new build: a third of the sidecars, a tenth of
// the MP3s swapped for another MP3, some chapter lists.
bool sidecar_changes(int i) { return i % 3 == 0; }
bool media_changes(int i) { return i % 10 == 1; }
bool chapters_change(int i) { return i % 14 == 3; }

std::string media_name(int i) {
  const std::string& kind = kKinds[i % kKinds.size()];
  return stem_of(i) + kind.substr(kind.rfind('.'));
}

void make_old_workspace(const fs::path& dir, const fs::path& pool) {
  fs::create_directories(dir / "feeds");
  fs::create_directories(dir / "media");
  std::ofstream(dir / "feeds/kill.toml") << "title = \"Kill Show\"\n"
                                            "description = \"A show built while being killed.\"\n"
                                            "language = \"en\"\n"
                                            "author = \"Tester\"\n"
                                            "base_url = \"" << kBaseUrl << "\"\n"
                                            "categories = [\"Technology\"]\n"
                                            "explicit = false\n";
  for (int i = 0; i < kEpisodes; ++i) {
    fs::create_hard_link(pool / kKinds[i % kKinds.size()], dir / "media" / media_name(i));
    std::ofstream(dir / "media" / (stem_of(i) + ".md")) << sidecar(i, false);
    if (i % 7 == 3) std::ofstream(dir / "media" / (stem_of(i) + ".chapters.txt")) << chapters_txt(i, false);
    if (i % 11 == 5) std::ofstream(dir / "media" / (stem_of(i) + ".vtt")) << transcript_vtt(i);
  }
}

void apply_changes(const fs::path& dir, const fs::path& pool) {
  for (int i = 0; i < kEpisodes; ++i) {
    const fs::path media = dir / "media";
    if (sidecar_changes(i)) write_file(media / (stem_of(i) + ".md"), sidecar(i, true));
    if (chapters_change(i)) write_file(media / (stem_of(i) + ".chapters.txt"), chapters_txt(i, true));
    const std::string& kind = kKinds[i % kKinds.size()];
    if (media_changes(i) && kind.ends_with(".mp3")) {
      const std::string other = kind == "cbr.mp3" ? "vbr-xing.mp3" : "cbr.mp3";
      write_file(media / media_name(i), read_file((pool / other).string()));
    }
  }
}

// A copy of `from` that the build may change freely: feeds/ and .podsmith/ copied,
// media/ hard-linked (build never writes there, and changes replace files).
void clone_workspace(const fs::path& from, const fs::path& to) {
  fs::create_directories(to / "media");
  fs::copy(from / "feeds", to / "feeds", fs::copy_options::recursive);
  if (fs::exists(from / ".podsmith")) fs::copy(from / ".podsmith", to / ".podsmith", fs::copy_options::recursive);
  for (const auto& entry : fs::directory_iterator(from / "media")) fs::create_hard_link(entry.path(), to / "media" / entry.path().filename());
}

// Every file under `dir`/feeds and `dir`/.podsmith (hidden ones too), relative to `dir`.
std::map<std::string, std::string> outputs(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const char* top : {"feeds", ".podsmith"}) {
    if (!fs::exists(dir / top)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(dir / top)) {
      if (!entry.is_regular_file()) continue;
      const std::string rel = fs::relative(entry.path(), dir).generic_string();
      files[rel] = read_file(entry.path().string());
    }
  }
  return files;
}

// The workspace paths a feed names under base_url (enclosures, chapters, art, transcripts).
std::vector<std::string> named_paths(const std::string& feed) {
  std::vector<std::string> paths;
  const std::regex url(std::string("\"") + kBaseUrl + "([^\"]+)\"");
  for (auto it = std::sregex_iterator(feed.begin(), feed.end(), url); it != std::sregex_iterator(); ++it) {
    const std::string path = (*it)[1];
    if (path != "feeds/kill.xml") paths.push_back(path);
  }
  return paths;
}

std::string binary() { return PODSMITH_BINARY; }

// Starts `podsmith build` in `dir`, output discarded.
pid_t spawn_build(const fs::path& dir) {
  const std::string bin = binary(), cmd = "build", flag = "-C", root = dir.string();
  std::vector<char*> argv = {const_cast<char*>(bin.c_str()), const_cast<char*>(cmd.c_str()),
                             const_cast<char*>(flag.c_str()), const_cast<char*>(root.c_str()), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  return pid;
}

}  // namespace

TEST_CASE("build killed at 50 moments leaves the old or the new feeds, whole, and the next build finishes them") {
  TempDir tmp;
  const fs::path pool = tmp.path() / "pool";
  fs::create_directories(pool);
  for (const std::string& kind : kKinds) fs::copy_file(source_path("tests/fixtures/media/" + kind), pool / kind);

  const fs::path old_ws = tmp.path() / "old";
  make_old_workspace(old_ws, pool);
  RunOptions in_old;
  in_old.cwd = old_ws.string();
  auto r = run_podsmith({"build"}, in_old);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto old_outputs = outputs(old_ws);
  const std::string old_feed = old_outputs.at("feeds/kill.xml");

  // The reference: the change built without interruption, timed.
  const fs::path ref_ws = tmp.path() / "ref";
  clone_workspace(old_ws, ref_ws);
  apply_changes(ref_ws, pool);
  const auto started = std::chrono::steady_clock::now();
  const pid_t ref_pid = spawn_build(ref_ws);
  int status = 0;
  waitpid(ref_pid, &status, 0);
  const auto build_time = std::chrono::steady_clock::now() - started;
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  const auto new_outputs = outputs(ref_ws);
  const std::string new_feed = new_outputs.at("feeds/kill.xml");
  REQUIRE(new_feed != old_feed);
  const auto old_named = named_paths(old_feed);
  const auto new_named = named_paths(new_feed);
  REQUIRE(std::count_if(new_named.begin(), new_named.end(), [](const std::string& p) { return p.starts_with("feeds/"); }) > 100);

  int saw_old = 0, saw_new = 0;
  // One trial: the change applied to a copy of the old workspace, a build killed
  // `delay` after it started, the checks, and the build that finishes it.
  const auto kill_at = [&](int k, std::chrono::microseconds delay) {
    CAPTURE(k, delay.count());
    const fs::path trial = tmp.path() / ("trial" + std::to_string(k));
    clone_workspace(old_ws, trial);
    apply_changes(trial, pool);

    const pid_t pid = spawn_build(trial);
    std::this_thread::sleep_for(delay);
    ::kill(pid, SIGKILL);
    waitpid(pid, &status, 0);

    const std::string feed = read_file((trial / "feeds/kill.xml").string());
    const bool is_old = feed == old_feed, is_new = feed == new_feed;
    REQUIRE((is_old || is_new));
    (is_old ? saw_old : saw_new)++;
    // The new feed appears only after every file it names is in place. The old
    // feed may, for a moment, name a file the new build already replaced (the files
    // go before the feed): that file is whole, the old or the new version, never half.
    for (const std::string& path : is_old ? old_named : new_named) {
      CAPTURE(path);
      REQUIRE(fs::exists(trial / path));
      if (!path.starts_with("feeds/")) continue;  // media: the user's, changed or not
      const std::string bytes = read_file((trial / path).string());
      if (is_new) {
        REQUIRE(bytes == new_outputs.at(path));
      } else {
        const auto later = new_outputs.find(path);
        REQUIRE((bytes == old_outputs.at(path) || (later != new_outputs.end() && bytes == later->second)));
      }
    }

    const pid_t again = spawn_build(trial);
    waitpid(again, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    const auto finished = outputs(trial);
    std::vector<std::string> extra, missing, differ;
    for (const auto& [path, bytes] : finished) {
      if (path.starts_with(".podsmith/")) continue;  // caches: compared by the build's outputs below
      const auto it = new_outputs.find(path);
      if (it == new_outputs.end()) extra.push_back(path);
      else if (it->second != bytes) differ.push_back(path);
    }
    for (const auto& [path, bytes] : new_outputs)
      if (!path.starts_with(".podsmith/") && !finished.count(path)) missing.push_back(path);
    CAPTURE(extra, missing, differ);
    REQUIRE(extra.empty());
    REQUIRE(missing.empty());
    REQUIRE(differ.empty());
    // No temporary file of the killed build is left anywhere in the workspace.
    for (const auto& entry : fs::recursive_directory_iterator(trial)) {
      const std::string name = entry.path().filename().string();
      CAPTURE(entry.path().string());
      REQUIRE(name.find(".tmp-") == std::string::npos);
    }
    fs::remove_all(trial);
  };

  // Moments spread from start to end: one in each 50th of the reference build's time.
  std::mt19937 random(20261207);
  for (int k = 0; k < kKills; ++k) {
    std::uniform_real_distribution<double> within(static_cast<double>(k), static_cast<double>(k + 1));
    kill_at(k, std::chrono::duration_cast<std::chrono::microseconds>(build_time * (within(random) / kKills)));
  }
  // The kills must fall both before and after the feed's rename. On a loaded machine
  // a build can take longer (or less long) than the reference did: then a few more
  // kills, later (or earlier) each time, until one lands on the other side.
  for (int extra = 0; saw_new == 0 && extra < 8; ++extra)
    kill_at(kKills + extra, std::chrono::duration_cast<std::chrono::microseconds>(build_time * (1 << (extra + 1))));
  for (int extra = 0; saw_old == 0 && extra < 8; ++extra)
    kill_at(kKills + 8 + extra, std::chrono::duration_cast<std::chrono::microseconds>(build_time / (4 << extra)));
  INFO("old " << saw_old << ", new " << saw_new);
  CHECK(saw_old > 0);
  CHECK(saw_new > 0);
}
