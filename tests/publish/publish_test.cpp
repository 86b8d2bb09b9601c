// `podsmith publish` end to end: the example show published to real servers on
// loopback (tests/servers/publish_servers.h: OpenSSH, vsftpd, pyftpdlib, nginx
// WebDAV, s3rver behind a SigV4 check, a ping recorder), through the CLI, with
// credentials in the environment only.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "podsmith/publish/notify.h"
#include "podsmith/feed/rss_reader.h"
#include "servers/publish_servers.h"
#include "test_support.h"

namespace fs = std::filesystem;
using podsmith::test::copy_tree;
using podsmith::test::read_file;
using podsmith::test::RunOptions;
using podsmith::test::RunResult;
using podsmith::test::run_podsmith;
using podsmith::test::source_path;
using podsmith::test::TempDir;

namespace {

const char* kBaseUrl = "https://channel8.example.org/";

// A copy of the example workspace whose feed publishes with `publish_table`.
class Show {
 public:
  explicit Show(const std::string& publish_table, const std::string& hub = "", const std::string& base_url = "") {
    copy_tree(source_path("feeds"), (dir_.path() / "feeds").string());
    copy_tree(source_path("media"), (dir_.path() / "media").string());
    std::string toml = read_file(path("feeds/channel8.toml"));
    // Without the example's site: these tests are about the feed's files (tests/site/
    // site_publish_test.cpp publishes the site).
    toml = toml.substr(0, toml.find("\n[site]"));
    replace_line(toml, "hub = ", hub.empty() ? "" : "hub = \"" + hub + "\"");
    if (!base_url.empty()) replace_line(toml, "base_url = ", "base_url = \"" + base_url + "\"");
    write("feeds/channel8.toml", toml + "\n[publish]\n" + publish_table);
  }

  std::string path(const std::string& relative) const { return (dir_.path() / relative).string(); }
  const fs::path& root() const { return dir_.path(); }
  void write(const std::string& relative, const std::string& bytes) const {
    fs::create_directories(fs::path(path(relative)).parent_path());
    std::ofstream(path(relative), std::ios::binary) << bytes;
  }

  RunResult publish(std::vector<std::string> args, const std::vector<std::string>& env) const {
    args.insert(args.begin(), "publish");
    RunOptions options;
    options.cwd = dir_.path().string();
    options.env = env;
    return run_podsmith(args, options);
  }

  /// Adds a fourth episode whose media is 1 MB (a long comment tag), slow to send.
  void add_big_episode() const {
    fs::copy_file(source_path("tests/fixtures/media/big-comment.mp3"), path("media/2006-04-big.mp3"));
    write("media/2006-04-big.md",
          "+++\ntitle = \"A long one\"\nguid = \"3f1f6a52-5a86-4d55-a6c1-2f5a4b1f0a01\"\n"
          "date = 2006-04-03T10:00:00-08:00\nepisode = 4\n+++\nA long episode.\n");
  }

 private:
  static void replace_line(std::string& text, const std::string& start, const std::string& with) {
    const size_t at = text.find("\n" + start);
    REQUIRE(at != std::string::npos);
    const size_t end = text.find('\n', at + 1);
    text.replace(at + 1, end - at - 1, with);
  }

  TempDir dir_;
};

// Every regular file under `dir`, relative, with its bytes.
std::map<std::string, std::string> files_under(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).generic_string()] = read_file(e.path().string());
  }
  return out;
}

// The workspace files a publish of the example sends: what the feed names under
// base_url, feeds/channel8/**, and the feed.
const std::vector<std::string> kExampleFiles = {
    "feeds/channel8.xml",
    "feeds/channel8/art/2006-01-mvp-award-beginnings.jpg",
    "feeds/channel8/chapters/2006-01-mvp-award-beginnings.json",
    "feeds/channel8/transcripts/2006-03-start-a-student-user-group.vtt",
    "media/2006-01-mvp-award-beginnings.mp3",
    "media/2006-02-free-tools-for-student-developers.m4a",
    "media/2006-03-start-a-student-user-group.mp3",
    "media/2006-04-made-from-a-master.mp3",  // made from media/masters/, which is never published
    "media/artwork/channel8.jpg",
};

// Each file the example publishes is on the server byte for byte, and nothing else is.
void check_arrived(const Show& show, const fs::path& server_root) {
  const auto held = files_under(server_root);
  std::set<std::string> names;
  for (const auto& [name, bytes] : held) names.insert(name);
  CHECK(names == std::set<std::string>(kExampleFiles.begin(), kExampleFiles.end()));
  for (const std::string& f : kExampleFiles) {
    INFO(f);
    const auto it = held.find(f);
    REQUIRE(it != held.end());
    CHECK(it->second == read_file(show.path(f)));
  }
}

// The feed went up after every file it names: its mtime on the server is the latest.
void check_feed_last(const fs::path& server_root) {
  const auto feed_time = fs::last_write_time(server_root / "feeds/channel8.xml");
  for (const auto& e : fs::recursive_directory_iterator(server_root)) {
    if (e.is_regular_file() && e.path().filename() != "channel8.xml") {
      INFO(e.path());
      CHECK(e.last_write_time() <= feed_time);
    }
  }
}

// What the public would see on the server is consistent: every file the server's
// feed names under base_url is there, whole.
void check_consistent(const fs::path& server_root) {
  const std::string xml = read_file((server_root / "feeds/channel8.xml").string());
  auto doc = podsmith::read_feed(xml, "server feed");
  REQUIRE(doc);
  for (const podsmith::Episode& e : doc->show.episodes) {
    INFO(e.enclosure.url);
    REQUIRE(e.enclosure.url.rfind(kBaseUrl, 0) == 0);
    const fs::path file = server_root / e.enclosure.url.substr(std::string(kBaseUrl).size());
    REQUIRE(fs::exists(file));
    CHECK(static_cast<int64_t>(fs::file_size(file)) == e.enclosure.length_bytes);
  }
}

nlohmann::json report_of(const RunResult& r) {
  INFO(r.err);
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE(j.is_object());
  return j;
}

std::set<std::string> uploaded_paths(const nlohmann::json& report) {
  std::set<std::string> out;
  for (const auto& u : report["feeds"][0]["uploads"]) {
    if (u["uploaded"].get<bool>()) out.insert(u["path"].get<std::string>());
  }
  return out;
}

void check_no_secret(const RunResult& r, const std::string& secret) {
  CHECK_THAT(r.out, !Catch::Contains(secret));
  CHECK_THAT(r.err, !Catch::Contains(secret));
}

}  // namespace

TEST_CASE("publish sends the example show to WebDAV, the feed last, verifies it and pings; again sends nothing",
          "[publish]") {
  podsmith::test::NginxDavServer dav;
  podsmith::test::PingRecorder pings;
  const std::string base = dav.public_url("/show/");
  Show show("target = \"" + dav.dav_url("/show/") + "\"\npodcast_index = true\npodcast_index_url = \"" +
                pings.url("/api/1.0/hub/pubnotify") + "\"\npodping = true\npodping_url = \"" + pings.url("/podping/") +
                "\"\n",
            pings.url("/hub"), base);
  fs::create_directories(dav.root() / "show");
  const std::vector<std::string> env = {"PODSMITH_USER=" + dav.user(), "PODSMITH_PASSWORD=" + dav.password(),
                                        "PODPING_TOKEN=podping-secret-token"};

  const RunResult first = show.publish({"--json"}, env);
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  check_no_secret(first, dav.password());
  check_no_secret(first, "podping-secret-token");
  const auto report = report_of(first);
  CHECK(report["feeds"][0]["replace_method"] == "move");
  CHECK(uploaded_paths(report) == std::set<std::string>(kExampleFiles.begin(), kExampleFiles.end()));
  CHECK(report["feeds"][0]["uploads"].back()["path"] == "feeds/channel8.xml");
  check_arrived(show, dav.root() / "show");
  check_feed_last(dav.root() / "show");

  // The three pings, exactly as the services document them.
  const std::string feed_url = base + "feeds/channel8.xml";
  const std::string encoded = podsmith::query_encode(feed_url);
  auto seen = pings.requests();
  REQUIRE(seen.size() == 3);
  std::map<std::string, nlohmann::json> by_path;
  for (const auto& r : seen) by_path[r["path"].get<std::string>()] = r;
  CHECK(by_path["/hub"]["method"] == "POST");
  CHECK(by_path["/hub"]["body"] == "hub.mode=publish&hub.url=" + encoded);
  CHECK(by_path["/hub"]["headers"]["content-type"] == "application/x-www-form-urlencoded");
  CHECK(by_path["/api/1.0/hub/pubnotify"]["method"] == "GET");
  CHECK(by_path["/api/1.0/hub/pubnotify"]["query"] == "url=" + encoded);
  CHECK(by_path["/podping/"]["method"] == "GET");
  CHECK(by_path["/podping/"]["query"] == "url=" + encoded + "&reason=update&medium=podcast");
  CHECK(by_path["/podping/"]["headers"]["authorization"] == "podping-secret-token");

  // Nothing changed: nothing goes up, nobody is pinged, the server's files stay put.
  const auto before = fs::last_write_time(dav.root() / "show/media/2006-01-mvp-award-beginnings.mp3");
  const RunResult second = show.publish({"--json"}, env);
  REQUIRE(second.exit_code == 0);
  const auto again = report_of(second);
  CHECK(again["feeds"][0]["uploads"].empty());
  CHECK(again["feeds"][0]["unchanged"] == kExampleFiles.size());
  CHECK(pings.requests().size() == 3);
  CHECK(fs::last_write_time(dav.root() / "show/media/2006-01-mvp-award-beginnings.mp3") == before);

  // Nor with --verify-remote, which asks the server about every file.
  const RunResult verified = show.publish({"--json", "--verify-remote"}, env);
  REQUIRE(verified.exit_code == 0);
  CHECK(report_of(verified)["feeds"][0]["uploads"].empty());

  // A file deleted on the server is found again with --verify-remote.
  fs::remove(dav.root() / "show/media/2006-02-free-tools-for-student-developers.m4a");
  const RunResult repaired = show.publish({"--json", "--verify-remote"}, env);
  REQUIRE(repaired.exit_code == 0);
  const auto fixed = report_of(repaired);
  CHECK(uploaded_paths(fixed) == std::set<std::string>{"media/2006-02-free-tools-for-student-developers.m4a"});
  CHECK(fixed["feeds"][0]["uploads"][0]["reason"] == "missing on the server");
  check_arrived(show, dav.root() / "show");
}

TEST_CASE("publish sends exactly the changed episode and the feed", "[publish]") {
  podsmith::test::FtpServer ftp;
  Show show("target = \"" + ftp.target("/show") + "\"\nverify_public = false\n");
  const std::vector<std::string> env = {"PODSMITH_USER=" + ftp.user(), "PODSMITH_PASSWORD=" + ftp.password()};
  REQUIRE(show.publish({}, env).exit_code == 0);
  check_arrived(show, ftp.root() / "show");

  // New bytes for the third episode's media (another recording).
  fs::copy_file(source_path("tests/fixtures/media/cbr.mp3"), show.path("media/2006-03-start-a-student-user-group.mp3"),
                fs::copy_options::overwrite_existing);
  const RunResult changed = show.publish({"--json"}, env);
  INFO(changed.err);
  REQUIRE(changed.exit_code == 0);
  const auto report = report_of(changed);
  CHECK(uploaded_paths(report) ==
        std::set<std::string>{"media/2006-03-start-a-student-user-group.mp3", "feeds/channel8.xml"});
  CHECK(report["feeds"][0]["uploads"].back()["path"] == "feeds/channel8.xml");
  CHECK(report["feeds"][0]["replace_method"] == "rename");
  check_arrived(show, ftp.root() / "show");
  check_no_secret(changed, ftp.password());
}

TEST_CASE("publish with a wrong FTP password fails clearly, uploads nothing and never prints it", "[publish]") {
  podsmith::test::FtpServer ftp;
  Show show("target = \"" + ftp.target("/show") + "\"\nverify_public = false\n");
  const RunResult r = show.publish({}, {"PODSMITH_USER=" + ftp.user(), "PODSMITH_PASSWORD=wrong-pass-4711"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("PODSMITH_PASSWORD"));
  CHECK_THAT(r.err, Catch::Contains(ftp.target("/show")));
  check_no_secret(r, "wrong-pass-4711");
  CHECK(files_under(ftp.root()).empty());
}

TEST_CASE("publish over SFTP checks the host key: pinned, known, unknown and wrong", "[publish]") {
  podsmith::test::SshServer ssh;
  const std::vector<std::string> env = {"PODSMITH_SSH_KEY=" + ssh.private_key_path()};

  SECTION("a pinned key that matches") {
    Show show("target = \"" + ssh.target("/show") + "\"\nhost_key_sha256 = \"SHA256:" + ssh.host_key_sha256() +
              "\"\nverify_public = false\n");
    const RunResult r = show.publish({"--json"}, env);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(report_of(r)["feeds"][0]["replace_method"] == "remove-then-rename");
    check_arrived(show, ssh.root() / "show");
    check_feed_last(ssh.root() / "show");
    // The second publish replaces a changed file in place.
    fs::copy_file(source_path("tests/fixtures/media/cbr.mp3"), show.path("media/2006-03-start-a-student-user-group.mp3"),
                  fs::copy_options::overwrite_existing);
    REQUIRE(show.publish({}, env).exit_code == 0);
    check_arrived(show, ssh.root() / "show");
  }
  SECTION("a key in known_hosts") {
    Show show("target = \"" + ssh.target("/show") + "\"\nknown_hosts = \"" + ssh.known_hosts_path() +
              "\"\nverify_public = false\n");
    const RunResult r = show.publish({}, env);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    check_arrived(show, ssh.root() / "show");
  }
  SECTION("an unknown key is refused until the producer accepts it, then remembered") {
    TempDir home;
    const std::string known = home.write("known_hosts", "");
    Show show("target = \"" + ssh.target("/show") + "\"\nknown_hosts = \"" + known + "\"\nverify_public = false\n");
    const RunResult refused = show.publish({}, env);
    CHECK(refused.exit_code == 1);
    CHECK_THAT(refused.err, Catch::Contains("is not in " + known));
    CHECK_THAT(refused.err, Catch::Contains("SHA256:" + ssh.host_key_sha256()));
    CHECK_THAT(refused.err, Catch::Contains("--accept-new-host-key"));
    CHECK(files_under(ssh.root()).empty());

    const RunResult accepted = show.publish({"--accept-new-host-key"}, env);
    INFO(accepted.err);
    REQUIRE(accepted.exit_code == 0);
    check_arrived(show, ssh.root() / "show");
    CHECK_THAT(read_file(known), Catch::Contains("ssh-ed25519"));
  }
  SECTION("a pinned key that does not match") {
    Show show("target = \"" + ssh.target("/show") +
              "\"\nhost_key_sha256 = \"SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"\nverify_public = false\n");
    const RunResult r = show.publish({}, env);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("host_key_sha256"));
    CHECK(files_under(ssh.root()).empty());
  }
}

TEST_CASE("publish over FTPS sends the example show with TLS", "[publish]") {
  podsmith::test::VsftpdServer ftps;
  std::string target = ftps.target("/show");
  target.replace(0, 3, "ftps");  // ours is explicit TLS on the FTP port
  Show show("target = \"" + target + "\"\nca_file = \"" + ftps.ca_file() + "\"\nverify_public = false\n");
  const RunResult r = show.publish({"--json"}, {"PODSMITH_USER=" + ftps.user(), "PODSMITH_PASSWORD=" + ftps.password()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_arrived(show, ftps.root() / "show");
  CHECK(report_of(r)["feeds"][0]["replace_method"] == "rename");
  CHECK_THAT(ftps.log(), Catch::Contains("PROT P"));  // the data connections were encrypted too
}

TEST_CASE("publish to S3 signs every request, sends each Content-Type and the ACL asked for", "[publish]") {
  podsmith::test::S3Server s3;
  Show show("target = \"s3://" + s3.bucket() + "/show\"\nendpoint = \"" + s3.endpoint() +
            "\"\npublic_read = true\nverify_public = false\n");
  const std::vector<std::string> env = {"AWS_ACCESS_KEY_ID=" + s3.access_key(), "AWS_SECRET_ACCESS_KEY=" + s3.secret_key()};
  const RunResult r = show.publish({"--json"}, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_no_secret(r, s3.secret_key());
  for (const std::string& f : kExampleFiles) {
    INFO(f);
    CHECK(read_file(s3.object_path("show/" + f).string()) == read_file(show.path(f)));
  }
  std::map<std::string, nlohmann::json> puts;
  for (const auto& req : s3.requests()) {
    CHECK(req["verdict"] == "ok");
    if (req["method"] == "PUT") puts[req["path"].get<std::string>()] = req;
  }
  REQUIRE(puts.size() == kExampleFiles.size());
  const std::string prefix = "/" + s3.bucket() + "/show/";
  CHECK(puts[prefix + "media/2006-01-mvp-award-beginnings.mp3"]["headers"]["content-type"] == "audio/mpeg");
  CHECK(puts[prefix + "media/2006-02-free-tools-for-student-developers.m4a"]["headers"]["content-type"] ==
        "audio/x-m4a");
  CHECK(puts[prefix + "feeds/channel8.xml"]["headers"]["content-type"] == "application/rss+xml");
  CHECK(puts[prefix + "feeds/channel8/transcripts/2006-03-start-a-student-user-group.vtt"]["headers"]["content-type"] ==
        "text/vtt");
  for (const auto& [path, req] : puts) {
    CHECK(req["headers"]["x-amz-acl"] == "public-read");
    CHECK(req["headers"].contains("content-md5"));  // s3rver refuses a body that does not match it
  }

  // A second publish asks nothing and sends nothing.
  const size_t requests = s3.requests().size();
  REQUIRE(show.publish({}, env).exit_code == 0);
  CHECK(s3.requests().size() == requests);
}

TEST_CASE("publish to S3 with a wrong secret is refused by the signature check and stores nothing", "[publish]") {
  podsmith::test::S3Server s3;
  Show show("target = \"s3://" + s3.bucket() + "/show\"\nendpoint = \"" + s3.endpoint() + "\"\nverify_public = false\n");
  const RunResult r =
      show.publish({}, {"AWS_ACCESS_KEY_ID=" + s3.access_key(), "AWS_SECRET_ACCESS_KEY=not-the-secret-0815"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("SignatureDoesNotMatch"));
  check_no_secret(r, "not-the-secret-0815");
  for (const std::string& f : kExampleFiles) CHECK_FALSE(fs::exists(s3.object_path("show/" + f)));
}

// --- S3 multipart uploads ----------------------------------------------------

namespace {

// Files of 10 MiB and more go up in parts of 5 MiB (S3's smallest).
const char* kMultipartTable = "\nverify_public = false\nmultipart_threshold = \"10M\"\nmultipart_part_size = 5242880\n";
constexpr int64_t kMiB = int64_t{1} << 20;
const char* kBigMedia = "media/2006-04-big.mp3";

std::string syncsafe(uint32_t n) {
  return {static_cast<char>((n >> 21) & 0x7f), static_cast<char>((n >> 14) & 0x7f), static_cast<char>((n >> 7) & 0x7f),
          static_cast<char>(n & 0x7f)};
}

// An MP3 of exactly `size` bytes: an ID3v2.4 tag whose PRIV frame holds random
// bytes (from `seed`, so that misplaced parts show), then cbr.mp3's audio.
std::string big_mp3(int64_t size, unsigned seed) {
  const std::string cbr = read_file(source_path("tests/fixtures/media/cbr.mp3"));
  REQUIRE(cbr.compare(0, 3, "ID3") == 0);
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(cbr[i])); };
  const std::string audio = cbr.substr(10 + ((byte(6) << 21) | (byte(7) << 14) | (byte(8) << 7) | byte(9)));
  const std::string owner = std::string("podsmith-test") + '\0';
  const int64_t data_size = size - static_cast<int64_t>(audio.size()) - 10 - 10 - static_cast<int64_t>(owner.size());
  REQUIRE(data_size > 0);
  std::string data(static_cast<size_t>(data_size), '\0');
  std::mt19937 random(seed);
  for (char& c : data) c = static_cast<char>(random() & 0xff);
  const std::string frame =
      "PRIV" + syncsafe(static_cast<uint32_t>(owner.size() + data.size())) + std::string(2, '\0') + owner + data;
  std::string out = "ID3" + std::string("\x04\x00\x00", 3) + syncsafe(static_cast<uint32_t>(frame.size())) + frame + audio;
  REQUIRE(static_cast<int64_t>(out.size()) == size);
  return out;
}

// Adds a fourth episode whose media is `bytes`.
void add_episode_media(const Show& show, const std::string& bytes) {
  show.write(kBigMedia, bytes);
  show.write("media/2006-04-big.md",
             "+++\ntitle = \"A long one\"\nguid = \"3f1f6a52-5a86-4d55-a6c1-2f5a4b1f0a01\"\n"
             "date = 2006-04-03T10:00:00-08:00\nepisode = 4\n+++\nA long episode.\n");
}

// What the proxy saw of one object, from request number `from` of its log on.
std::vector<nlohmann::json> requests_for(const podsmith::test::S3Server& s3, const std::string& key, size_t from = 0) {
  std::vector<nlohmann::json> out;
  const auto all = s3.requests();
  for (size_t i = from; i < all.size(); ++i) {
    if (all[i]["path"] == "/" + s3.bucket() + "/" + key) out.push_back(all[i]);
  }
  return out;
}

// The position in the proxy's log of the first request for `key` with `method`
// and a query starting with `query` (from request `from` on); -1 when none.
long position_of(const podsmith::test::S3Server& s3, const std::string& key, const std::string& method,
                 const std::string& query, size_t from = 0) {
  const auto all = s3.requests();
  for (size_t i = from; i < all.size(); ++i) {
    if (all[i]["path"] == "/" + s3.bucket() + "/" + key && all[i]["method"] == method &&
        all[i]["query"].get<std::string>().rfind(query, 0) == 0) {
      return static_cast<long>(i);
    }
  }
  return -1;
}

// "partNumber=3&uploadId=abc" -> {3, "abc"}.
std::pair<int, std::string> part_query(const std::string& query) {
  const size_t amp = query.find('&');
  REQUIRE(query.rfind("partNumber=", 0) == 0);
  REQUIRE(amp != std::string::npos);
  REQUIRE(query.compare(amp + 1, 9, "uploadId=") == 0);
  return {std::stoi(query.substr(11, amp - 11)), query.substr(amp + 10)};
}

// The multipart uploads podsmith has recorded as in progress in the workspace.
nlohmann::json multipart_record(const Show& show) {
  const fs::path path = show.path(".podsmith/s3-multipart.json");
  if (!fs::exists(path)) return nlohmann::json::object();
  auto j = nlohmann::json::parse(read_file(path.string()), nullptr, false);
  return j.is_object() && j.contains("uploads") ? j["uploads"] : nlohmann::json::object();
}

// Starts a publish limited to 2 MB/s, one part at a time, and kills it (SIGTERM)
// once the record says the store has at least one part of the big file. Returns
// the record as it was left.
nlohmann::json kill_publish_after_a_part(const Show& show, const std::vector<std::string>& env) {
  for (const std::string& entry : env) {
    const size_t eq = entry.find('=');
    setenv(entry.substr(0, eq).c_str(), entry.substr(eq + 1).c_str(), 1);
  }
  podsmith::test::ServerProcess slow({"/usr/bin/env", "-C", show.root().string(), PODSMITH_BINARY, "publish",
                                      "--json", "--limit-rate", "2M", "-j", "1"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto parts_recorded = [&] {
    size_t n = 0;
    const nlohmann::json record = multipart_record(show);
    for (const auto& upload : record) n += upload.value("parts", nlohmann::json::array()).size();
    return n;
  };
  while (std::chrono::steady_clock::now() < deadline && slow.running() && parts_recorded() == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(slow.running());  // still sending the other parts
  slow.stop();
  for (const std::string& entry : env) unsetenv(entry.substr(0, entry.find('=')).c_str());
  return multipart_record(show);
}

}  // namespace

TEST_CASE("publish to S3 sends a file above multipart_threshold in signed parts, and it arrives whole",
          "[publish]") {
  podsmith::test::S3Server s3;
  Show show("target = \"s3://" + s3.bucket() + "/show\"\nendpoint = \"" + s3.endpoint() + "\"\npublic_read = true" +
            kMultipartTable);
  const std::string big = big_mp3(16 * kMiB + 3, 1);  // parts of 5, 5, 5 and 1 MiB + 3 bytes
  add_episode_media(show, big);
  const std::vector<std::string> env = {"AWS_ACCESS_KEY_ID=" + s3.access_key(), "AWS_SECRET_ACCESS_KEY=" + s3.secret_key()};
  const RunResult r = show.publish({"--json"}, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_no_secret(r, s3.secret_key());
  CHECK(uploaded_paths(report_of(r)).count(kBigMedia) == 1);
  CHECK(read_file(s3.object_path(std::string("show/") + kBigMedia).string()) == big);
  for (const std::string& f : kExampleFiles) {
    INFO(f);
    CHECK(read_file(s3.object_path("show/" + f).string()) == read_file(show.path(f)));
  }
  for (const auto& req : s3.requests()) CHECK(req["verdict"] == "ok");  // every signature accepted

  // Begun (with the object's type and ACL), four parts, completed; no single PUT.
  // (Then publish asks for its size with a HEAD.)
  auto seen = requests_for(s3, std::string("show/") + kBigMedia);
  INFO(nlohmann::json(seen).dump(1));
  REQUIRE(seen.size() == 7);
  CHECK(seen[6]["method"] == "HEAD");
  seen.pop_back();
  CHECK(seen[0]["method"] == "POST");
  CHECK(seen[0]["query"] == "uploads=");
  CHECK(seen[0]["headers"]["content-type"] == "audio/mpeg");
  CHECK(seen[0]["headers"]["x-amz-acl"] == "public-read");
  std::set<int> numbers;
  std::set<std::string> ids;
  for (size_t i = 1; i <= 4; ++i) {
    INFO(seen[i].dump());
    CHECK(seen[i]["method"] == "PUT");
    CHECK(seen[i]["status"] == 200);
    CHECK(seen[i]["headers"].contains("content-md5"));
    const auto [number, id] = part_query(seen[i]["query"].get<std::string>());
    numbers.insert(number);
    ids.insert(id);
    CHECK(seen[i]["body_bytes"] == (number < 4 ? 5 * kMiB : kMiB + 3));
  }
  CHECK(numbers == std::set<int>{1, 2, 3, 4});
  REQUIRE(ids.size() == 1);
  CHECK(seen[5]["method"] == "POST");
  CHECK(seen[5]["query"] == "uploadId=" + *ids.begin());
  CHECK(seen[5]["status"] == 200);
  // s3rver keeps the type given when the upload began.
  const auto metadata = nlohmann::json::parse(
      read_file((s3.object_path("show/media/x").parent_path() / "2006-04-big.mp3._S3rver_metadata.json").string()),
      nullptr, false);
  CHECK(metadata["content-type"] == "audio/mpeg");
  // The feed went up after the media was complete, and nothing is left in progress.
  CHECK(position_of(s3, "show/feeds/channel8.xml", "PUT", "") >
        position_of(s3, std::string("show/") + kBigMedia, "POST", "uploadId="));
  CHECK(multipart_record(show).empty());

  // A second publish asks nothing and sends nothing.
  const size_t requests = s3.requests().size();
  REQUIRE(show.publish({}, env).exit_code == 0);
  CHECK(s3.requests().size() == requests);
}

TEST_CASE("publish to S3 killed mid multipart upload keeps the old feed; the next one sends only the missing parts",
          "[publish]") {
  podsmith::test::S3Server s3;
  Show show("target = \"s3://" + s3.bucket() + "/show\"\nendpoint = \"" + s3.endpoint() + "\"" + kMultipartTable);
  const std::vector<std::string> env = {"AWS_ACCESS_KEY_ID=" + s3.access_key(), "AWS_SECRET_ACCESS_KEY=" + s3.secret_key()};
  REQUIRE(show.publish({}, env).exit_code == 0);
  const std::string feed_key = "show/feeds/channel8.xml";
  const std::string old_feed = read_file(s3.object_path(feed_key).string());

  const std::string big = big_mp3(16 * kMiB + 3, 2);
  add_episode_media(show, big);
  const auto record = kill_publish_after_a_part(show, env);
  REQUIRE(record.size() == 1);
  const auto& upload = record.begin().value();
  const std::string upload_id = upload["upload_id"].get<std::string>();
  std::set<int> recorded;
  for (const auto& part : upload["parts"]) recorded.insert(part["number"].get<int>());
  INFO("parts recorded: " << upload["parts"].dump());
  REQUIRE_FALSE(recorded.empty());
  REQUIRE(recorded.size() < 4);
  // The public feed is the old one, and the new episode is not there.
  CHECK(read_file(s3.object_path(feed_key).string()) == old_feed);
  CHECK_FALSE(fs::exists(s3.object_path(std::string("show/") + kBigMedia)));

  const size_t before = s3.requests().size();
  const RunResult finish = show.publish({"--json"}, env);
  INFO(finish.err);
  REQUIRE(finish.exit_code == 0);
  const auto sent = uploaded_paths(report_of(finish));
  CHECK(sent.count(kBigMedia) == 1);
  CHECK(sent.count("feeds/channel8.xml") == 1);
  CHECK(read_file(s3.object_path(std::string("show/") + kBigMedia).string()) == big);
  CHECK(read_file(s3.object_path(feed_key).string()) == read_file(show.path("feeds/channel8.xml")));

  // The same upload continued: no new one begun, only the parts not recorded sent, then completed.
  std::set<int> resent;
  bool completed = false;
  for (const auto& req : requests_for(s3, std::string("show/") + kBigMedia, before)) {
    INFO(req.dump());
    CHECK(req["verdict"] == "ok");
    CHECK(req["query"] != "uploads=");
    if (req["method"] == "PUT") {
      const auto [number, id] = part_query(req["query"].get<std::string>());
      CHECK(id == upload_id);
      resent.insert(number);
    } else if (req["method"] == "POST") {
      CHECK(req["query"] == "uploadId=" + upload_id);
      completed = true;
    }
  }
  std::set<int> missing;
  for (int n = 1; n <= 4; ++n) {
    if (!recorded.count(n)) missing.insert(n);
  }
  CHECK(resent == missing);
  CHECK(completed);
  CHECK(position_of(s3, feed_key, "PUT", "", before) >
        position_of(s3, std::string("show/") + kBigMedia, "POST", "uploadId=", before));
  CHECK(multipart_record(show).empty());
}

TEST_CASE("publish to S3 starts a fresh multipart upload when the file changed since one was cut short", "[publish]") {
  podsmith::test::S3Server s3;
  Show show("target = \"s3://" + s3.bucket() + "/show\"\nendpoint = \"" + s3.endpoint() + "\"" + kMultipartTable);
  const std::vector<std::string> env = {"AWS_ACCESS_KEY_ID=" + s3.access_key(),
                                        "AWS_SECRET_ACCESS_KEY=" + s3.secret_key()};
  add_episode_media(show, big_mp3(16 * kMiB + 3, 3));
  const auto record = kill_publish_after_a_part(show, env);
  REQUIRE(record.size() == 1);
  const std::string old_id = record.begin().value()["upload_id"].get<std::string>();

  // Another recording of the same length.
  const std::string changed = big_mp3(16 * kMiB + 3, 4);
  show.write(kBigMedia, changed);
  fs::last_write_time(show.path(kBigMedia), fs::last_write_time(show.path(kBigMedia)) + std::chrono::seconds(5));
  const size_t before = s3.requests().size();
  const RunResult r = show.publish({"--json"}, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(read_file(s3.object_path(std::string("show/") + kBigMedia).string()) == changed);

  // The old upload aborted (s3rver does not know the request: ignored), a new one sent whole.
  const std::string key = std::string("show/") + kBigMedia;
  const long aborted = position_of(s3, key, "DELETE", "uploadId=" + old_id, before);
  const long begun = position_of(s3, key, "POST", "uploads=", before);
  CHECK(aborted >= 0);
  REQUIRE(begun >= 0);
  CHECK(aborted < begun);
  std::set<int> numbers;
  std::string new_id;
  for (const auto& req : requests_for(s3, key, before)) {
    CHECK(req["verdict"] == "ok");
    if (req["method"] != "PUT") continue;
    const auto [number, id] = part_query(req["query"].get<std::string>());
    numbers.insert(number);
    new_id = id;
    CHECK(id != old_id);
  }
  CHECK(numbers == std::set<int>{1, 2, 3, 4});
  CHECK(position_of(s3, key, "POST", "uploadId=" + new_id, before) > begun);
  CHECK(multipart_record(show).empty());
}

// Publishes the example to `server_root` through `publish_table`, adds a 1 MB
// episode, kills a slow publish of it midway, and checks that the public feed
// stayed consistent and that the next publish finishes the job.
void check_killed_publish_recovers(const std::string& publish_table, const std::vector<std::string>& env,
                                   const fs::path& server_root) {
  Show show(publish_table);
  {
    const RunResult first = show.publish({}, env);
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
  }
  const std::string old_feed = read_file((server_root / "feeds/channel8.xml").string());

  show.add_big_episode();
  {
    // At 100 KB/s the 1 MB episode takes ten seconds: stop the process once part of it is there.
    for (const std::string& entry : env) {
      const size_t eq = entry.find('=');
      setenv(entry.substr(0, eq).c_str(), entry.substr(eq + 1).c_str(), 1);
    }
    podsmith::test::ServerProcess slow({"/usr/bin/env", "-C", show.root().string(), PODSMITH_BINARY, "publish",
                                        "--limit-rate", "100K"});
    const fs::path part = server_root / "media/.2006-04-big.mp3.podsmith-part";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline && !(fs::exists(part) && fs::file_size(part) > 150'000)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(fs::exists(part));
    REQUIRE(fs::file_size(part) < fs::file_size(show.path("media/2006-04-big.mp3")));
    slow.stop();  // SIGTERM: podsmith dies mid-transfer
    for (const std::string& entry : env) unsetenv(entry.substr(0, entry.find('=')).c_str());
  }
  // The public feed is the old one, and everything it names is whole.
  CHECK(read_file((server_root / "feeds/channel8.xml").string()) == old_feed);
  CHECK_FALSE(fs::exists(server_root / "media/2006-04-big.mp3"));
  check_consistent(server_root);

  // The next publish continues the interrupted file and puts the feed up last.
  const RunResult finish = show.publish({"--json"}, env);
  INFO(finish.err);
  REQUIRE(finish.exit_code == 0);
  // Only the new episode's files and the feed: what went up before is not sent again.
  const auto sent = uploaded_paths(report_of(finish));
  CHECK(sent.count("media/2006-04-big.mp3") == 1);
  CHECK(sent.count("feeds/channel8.xml") == 1);
  for (const std::string& path : sent) {
    INFO(path);
    CHECK((path == "feeds/channel8.xml" || path.find("2006-04-big") != std::string::npos));
  }
  CHECK(read_file((server_root / "media/2006-04-big.mp3").string()) == read_file(show.path("media/2006-04-big.mp3")));
  CHECK_FALSE(fs::exists(server_root / "media/.2006-04-big.mp3.podsmith-part"));
  CHECK(read_file((server_root / "feeds/channel8.xml").string()) == read_file(show.path("feeds/channel8.xml")));
  check_consistent(server_root);
}

TEST_CASE("publish over FTP killed mid-upload leaves the public feed consistent; the next one finishes", "[publish]") {
  podsmith::test::FtpServer ftp;
  check_killed_publish_recovers("target = \"" + ftp.target("/show") + "\"\nverify_public = false\n",
                                {"PODSMITH_USER=" + ftp.user(), "PODSMITH_PASSWORD=" + ftp.password()},
                                ftp.root() / "show");
}

TEST_CASE("publish over SFTP killed mid-upload leaves the public feed consistent; the next one finishes", "[publish]") {
  podsmith::test::SshServer ssh;
  check_killed_publish_recovers("target = \"" + ssh.target("/show") + "\"\nhost_key_sha256 = \"" +
                                    ssh.host_key_sha256() + "\"\nverify_public = false\n",
                                {"PODSMITH_SSH_KEY=" + ssh.private_key_path()}, ssh.root() / "show");
}

TEST_CASE("publish uploads nothing when lint finds an error or the feed names a missing file", "[publish]") {
  podsmith::test::FtpServer ftp;
  Show show("target = \"" + ftp.target("/show") + "\"\nverify_public = false\n");
  const std::vector<std::string> env = {"PODSMITH_USER=" + ftp.user(), "PODSMITH_PASSWORD=" + ftp.password()};

  std::string feed = read_file(show.path("feeds/channel8.xml"));
  const size_t at = feed.find("<itunes:explicit>false</itunes:explicit>");
  REQUIRE(at != std::string::npos);
  feed.replace(at, 40, "<itunes:explicit>maybe</itunes:explicit>");
  show.write("feeds/channel8.xml", feed);
  const RunResult lint = show.publish({"--no-build"}, env);
  CHECK(lint.exit_code == 1);
  CHECK_THAT(lint.err, Catch::Contains("explicit"));
  CHECK_THAT(lint.err, Catch::Contains("nothing is uploaded"));
  CHECK(files_under(ftp.root()).empty());

  REQUIRE(show.publish({"--dry-run"}, env).exit_code == 1);  // the dry run lints too
  fs::remove(show.path("media/2006-02-free-tools-for-student-developers.m4a"));
  const RunResult missing = show.publish({}, env);  // build fails: the sidecar's media is gone
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("2006-02-free-tools-for-student-developers"));
  CHECK(files_under(ftp.root()).empty());
  CHECK_FALSE(fs::exists(show.path(".podsmith/publish/channel8.json")));
}

TEST_CASE("publish --dry-run prints the plan and touches nothing", "[publish]") {
  podsmith::test::FtpServer ftp;
  Show show("target = \"" + ftp.target("/show") + "\"\nverify_public = false\n", "https://hub.example/");
  const RunResult r = show.publish({"--dry-run"}, {"PODSMITH_USER=" + ftp.user(), "PODSMITH_PASSWORD=" + ftp.password()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("would upload media/2006-01-mvp-award-beginnings.mp3 (new"));
  CHECK_THAT(r.out, Catch::Contains("would upload feeds/channel8.xml (new"));
  CHECK_THAT(r.out, Catch::Contains("would tell websub: POST https://hub.example/"));
  CHECK(files_under(ftp.root()).empty());
  CHECK_FALSE(fs::exists(show.path(".podsmith/publish/channel8.json")));
}

TEST_CASE("publish does not put the feed up when the public URL does not serve the new episodes", "[publish]") {
  podsmith::test::NginxDavServer dav;
  // The files go to /show/, but the feed says they are served from /elsewhere/.
  Show show("target = \"" + dav.dav_url("/show/") + "\"\nwebsub = false\n", "", dav.public_url("/elsewhere/"));
  fs::create_directories(dav.root() / "show");
  const RunResult r = show.publish({}, {"PODSMITH_USER=" + dav.user(), "PODSMITH_PASSWORD=" + dav.password()});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains(dav.public_url("/elsewhere/media/2006-01-mvp-award-beginnings.mp3") +
                                    " answers HTTP 404 to a HEAD request"));
  CHECK_THAT(r.err, Catch::Contains("verify_public = false"));
  // The episodes went up; the feed did not.
  CHECK(fs::exists(dav.root() / "show/media/2006-01-mvp-award-beginnings.mp3"));
  CHECK_FALSE(fs::exists(dav.root() / "show/feeds/channel8.xml"));
}
