// The servers of tests/servers/publish_servers.h, checked with libcurl alone: each
// takes what a correct client sends and refuses what a wrong one sends, so the
// publish tests that use them prove something. Tagged [servers].
#include <curl/curl.h>
#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "servers/publish_servers.h"
#include "test_support.h"

using namespace podsmith::test;
namespace fs = std::filesystem;

namespace {

const std::string kEpisode = "ID3 pretend this is an episode\n";

/// A curl easy handle, cleaned up when it goes.
class Curl {
 public:
  explicit Curl(const std::string& url) : curl_(curl_easy_init()) {
    set(CURLOPT_URL, url.c_str());
    set(CURLOPT_NOSIGNAL, 1L);
    set(CURLOPT_TIMEOUT, 30L);  // a hang fails the test instead of stalling it
  }
  ~Curl() {
    curl_easy_cleanup(curl_);
    curl_slist_free_all(headers_);
    curl_slist_free_all(quote_);
  }
  Curl(const Curl&) = delete;
  Curl& operator=(const Curl&) = delete;

  template <typename T>
  Curl& set(CURLoption option, T value) {
    curl_easy_setopt(curl_, option, value);
    return *this;
  }
  Curl& header(const std::string& line) {
    headers_ = curl_slist_append(headers_, line.c_str());
    return set(CURLOPT_HTTPHEADER, headers_);
  }
  /// A command sent after the transfer (FTP: "RNFR a"; SFTP: "rename /a /b").
  Curl& post_quote(const std::string& command) {
    quote_ = curl_slist_append(quote_, command.c_str());
    return set(CURLOPT_POSTQUOTE, quote_);
  }
  Curl& upload(const std::string& bytes) {
    upload_ = bytes;
    set(CURLOPT_UPLOAD, 1L);
    set(CURLOPT_READFUNCTION, &Curl::read_upload);
    set(CURLOPT_READDATA, this);
    return set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload_.size()));
  }

  /// Runs the transfer; body() and response_headers() hold what came back.
  CURLcode perform() {
    set(CURLOPT_WRITEFUNCTION, &Curl::append);
    set(CURLOPT_WRITEDATA, &body_);
    set(CURLOPT_HEADERFUNCTION, &Curl::append);
    set(CURLOPT_HEADERDATA, &response_headers_);
    set(CURLOPT_ERRORBUFFER, error_);
    const CURLcode code = curl_easy_perform(curl_);
    if (code != CURLE_OK) UNSCOPED_INFO("curl: " << curl_easy_strerror(code) << ": " << error_);
    return code;
  }
  long status() const {
    long code = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &code);
    return code;
  }
  const std::string& body() const { return body_; }
  const std::string& response_headers() const { return response_headers_; }

 private:
  static size_t append(char* data, size_t size, size_t count, void* to) {
    static_cast<std::string*>(to)->append(data, size * count);
    return size * count;
  }
  static size_t read_upload(char* buffer, size_t size, size_t count, void* self) {
    Curl& curl = *static_cast<Curl*>(self);
    const std::string chunk = curl.upload_.substr(curl.upload_offset_, size * count);
    chunk.copy(buffer, chunk.size());
    curl.upload_offset_ += chunk.size();
    return chunk.size();
  }

  CURL* curl_;
  curl_slist* headers_ = nullptr;
  curl_slist* quote_ = nullptr;
  std::string upload_;
  size_t upload_offset_ = 0;
  std::string body_;
  std::string response_headers_;
  char error_[CURL_ERROR_SIZE] = {};
};

/// An SFTP transfer logged in with the server's client key, its host key pinned.
void sftp_login(Curl& curl, const SshServer& ssh) {
  curl.set(CURLOPT_USERNAME, ssh.user().c_str())
      .set(CURLOPT_SSH_AUTH_TYPES, static_cast<long>(CURLSSH_AUTH_PUBLICKEY))
      .set(CURLOPT_SSH_PRIVATE_KEYFILE, ssh.private_key_path().c_str())
      .set(CURLOPT_SSH_PUBLIC_KEYFILE, ssh.public_key_path().c_str())
      .set(CURLOPT_SSH_HOST_PUBLIC_KEY_SHA256, ssh.host_key_sha256().c_str());
}

void ftps_login(Curl& curl, const VsftpdServer& ftps) {
  curl.set(CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL))
      .set(CURLOPT_CAINFO, ftps.ca_file().c_str())
      .set(CURLOPT_USERNAME, ftps.user().c_str())
      .set(CURLOPT_PASSWORD, ftps.password().c_str());
}

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kDigits[digest[i] >> 4];
    hex += kDigits[digest[i] & 0xf];
  }
  return hex;
}

/// An S3 request signed by libcurl with SigV4. libcurl 7.88 neither sends nor
/// signs x-amz-content-sha256, which S3 requires: we add it, and libcurl signs
/// every header we add.
void s3_sign(Curl& curl, const S3Server& s3, const std::string& secret, const std::string& body) {
  const std::string credentials = s3.access_key() + ":" + secret;
  curl.set(CURLOPT_AWS_SIGV4, ("aws:amz:" + s3.region() + ":s3").c_str())
      .set(CURLOPT_USERPWD, credentials.c_str())
      .header("x-amz-content-sha256: " + sha256_hex(body));
}

/// The value of the response header `name` (lowercase), or "" when there is none.
std::string header_value(const std::string& headers, const std::string& name) {
  std::string lower;
  for (char c : headers) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t at = lower.find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  const size_t start = headers.find_first_not_of(' ', at + 3 + name.size());
  return headers.substr(start, headers.find("\r\n", start) - start);
}

}  // namespace

// ---- SFTP: OpenSSH --------------------------------------------------------------

TEST_CASE("sshd takes an sftp upload with the client key when its host key is pinned by SHA-256", "[servers]") {
  SshServer ssh;
  Curl curl(ssh.target("/ep1.mp3"));
  sftp_login(curl, ssh);
  REQUIRE(curl.upload(kEpisode).perform() == CURLE_OK);
  CHECK(read_file((ssh.root() / "ep1.mp3").string()) == kEpisode);
}

TEST_CASE("sshd takes an sftp upload into new directories with its key in known_hosts", "[servers]") {
  SshServer ssh;
  Curl curl(ssh.target("/show/2024/ep1.mp3"));
  sftp_login(curl, ssh);
  curl.set(CURLOPT_SSH_HOST_PUBLIC_KEY_SHA256, nullptr)  // known_hosts alone vouches for the key
      .set(CURLOPT_SSH_KNOWNHOSTS, ssh.known_hosts_path().c_str())
      .set(CURLOPT_FTP_CREATE_MISSING_DIRS, static_cast<long>(CURLFTP_CREATE_DIR));
  REQUIRE(curl.upload(kEpisode).perform() == CURLE_OK);
  CHECK(read_file((ssh.root() / "show/2024/ep1.mp3").string()) == kEpisode);
}

TEST_CASE("sshd is refused when its host key does not have the pinned fingerprint", "[servers]") {
  SshServer ssh;
  Curl curl(ssh.target("/ep1.mp3"));
  sftp_login(curl, ssh);
  curl.set(CURLOPT_SSH_HOST_PUBLIC_KEY_SHA256, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  CHECK(curl.upload(kEpisode).perform() == CURLE_PEER_FAILED_VERIFICATION);
  CHECK_FALSE(fs::exists(ssh.root() / "ep1.mp3"));
}

TEST_CASE("sshd refuses a client key that is not authorized", "[servers]") {
  SshServer ssh;
  TempDir other;
  const std::string key = (other.path() / "id_ed25519").string();
  run_tool({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key}, other.path());
  Curl curl(ssh.target("/ep1.mp3"));
  sftp_login(curl, ssh);
  curl.set(CURLOPT_SSH_PRIVATE_KEYFILE, key.c_str()).set(CURLOPT_SSH_PUBLIC_KEYFILE, (key + ".pub").c_str());
  CHECK(curl.upload(kEpisode).perform() == CURLE_LOGIN_DENIED);
  CHECK_FALSE(fs::exists(ssh.root() / "ep1.mp3"));
  CHECK(ssh.log().find("Failed publickey for " + ssh.user()) != std::string::npos);
}

TEST_CASE("sshd refuses to rename onto an existing file, so a replacement removes it first", "[servers]") {
  // OpenSSH speaks SFTP v3, whose rename fails when the target exists; libcurl's
  // "rename" quote has no posix-rename. Hence Remote's "remove-then-rename".
  SshServer ssh;
  const std::string final_path = (ssh.root() / "ep1.mp3").string();
  const std::string part_path = (ssh.root() / "ep1.mp3.part").string();
  {
    Curl first(ssh.target("/ep1.mp3"));
    sftp_login(first, ssh);
    REQUIRE(first.upload("old").perform() == CURLE_OK);
  }
  {
    Curl onto(ssh.target("/ep1.mp3.part"));
    sftp_login(onto, ssh);
    onto.post_quote("rename " + part_path + " " + final_path);
    CHECK(onto.upload(kEpisode).perform() == CURLE_QUOTE_ERROR);
    CHECK(read_file(final_path) == "old");
  }
  Curl replace(ssh.target("/ep1.mp3.part"));
  sftp_login(replace, ssh);
  replace.post_quote("rm " + final_path).post_quote("rename " + part_path + " " + final_path);
  REQUIRE(replace.upload(kEpisode).perform() == CURLE_OK);
  CHECK(read_file(final_path) == kEpisode);
  CHECK_FALSE(fs::exists(part_path));
}

// ---- FTPS: vsftpd ---------------------------------------------------------------

TEST_CASE("vsftpd takes an FTPS upload into a new directory and renames it with RNFR/RNTO", "[servers]") {
  VsftpdServer ftps;
  Curl curl(ftps.target("/show/ep1.mp3.part"));
  ftps_login(curl, ftps);
  curl.set(CURLOPT_FTP_CREATE_MISSING_DIRS, static_cast<long>(CURLFTP_CREATE_DIR))
      .post_quote("RNFR ep1.mp3.part")  // relative to the directory of the upload
      .post_quote("RNTO ep1.mp3");
  REQUIRE(curl.upload(kEpisode).perform() == CURLE_OK);
  CHECK(read_file((ftps.root() / "show/ep1.mp3").string()) == kEpisode);
  INFO(ftps.log());
  CHECK(ftps.log().find("RNTO ep1.mp3") != std::string::npos);
  CHECK_FALSE(fs::exists(ftps.root() / "show/ep1.mp3.part"));
}

TEST_CASE("vsftpd refuses a login without TLS, and curl refuses its certificate without ca_file", "[servers]") {
  VsftpdServer ftps;
  {
    Curl plain(ftps.target("/ep1.mp3"));
    ftps_login(plain, ftps);
    plain.set(CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_NONE));
    CHECK(plain.upload(kEpisode).perform() == CURLE_LOGIN_DENIED);  // 530: must use encryption
  }
  {
    Curl untrusted(ftps.target("/ep1.mp3"));
    ftps_login(untrusted, ftps);
    untrusted.set(CURLOPT_CAINFO, nullptr);  // the system's CAs only
    CHECK(untrusted.upload(kEpisode).perform() == CURLE_PEER_FAILED_VERIFICATION);
  }
  CHECK_FALSE(fs::exists(ftps.root() / "ep1.mp3"));
}

// ---- FTP: pyftpdlib -------------------------------------------------------------

TEST_CASE("pyftpdlib takes an FTP upload with its user and password and renames it", "[servers]") {
  FtpServer ftp;
  Curl curl(ftp.target("/show/ep1.mp3.part"));
  curl.set(CURLOPT_USERNAME, ftp.user().c_str())
      .set(CURLOPT_PASSWORD, ftp.password().c_str())
      .set(CURLOPT_FTP_CREATE_MISSING_DIRS, static_cast<long>(CURLFTP_CREATE_DIR))
      .post_quote("RNFR ep1.mp3.part")
      .post_quote("RNTO ep1.mp3");
  REQUIRE(curl.upload(kEpisode).perform() == CURLE_OK);
  CHECK(read_file((ftp.root() / "show/ep1.mp3").string()) == kEpisode);
  CHECK_FALSE(fs::exists(ftp.root() / "show/ep1.mp3.part"));
}

TEST_CASE("pyftpdlib refuses a wrong password", "[servers]") {
  FtpServer ftp;
  Curl curl(ftp.target("/ep1.mp3"));
  curl.set(CURLOPT_USERNAME, ftp.user().c_str()).set(CURLOPT_PASSWORD, "not-the-password");
  CHECK(curl.upload(kEpisode).perform() == CURLE_LOGIN_DENIED);
  CHECK_FALSE(fs::exists(ftp.root() / "ep1.mp3"));
}

// ---- WebDAV: nginx --------------------------------------------------------------

TEST_CASE("nginx WebDAV takes MKCOL, PUT and MOVE with Basic auth and serves the file publicly", "[servers]") {
  NginxDavServer dav;
  const std::string credentials = dav.user() + ":" + dav.password();
  auto request = [&](const std::string& url, const char* method) {
    auto curl = std::make_unique<Curl>(url);
    curl->set(CURLOPT_USERPWD, credentials.c_str()).set(CURLOPT_CUSTOMREQUEST, method);
    return curl;
  };
  auto mkcol = request(dav.dav_url("/show/"), "MKCOL");
  REQUIRE(mkcol->perform() == CURLE_OK);
  CHECK(mkcol->status() == 201);

  // Twice: the second MOVE replaces ep1.mp3. nginx answers 204 to both (RFC 4918
  // says 201 when the destination is new).
  for (int round = 0; round < 2; ++round) {
    auto put = request(dav.dav_url("/show/ep1.mp3.part"), "PUT");
    REQUIRE(put->upload(kEpisode).perform() == CURLE_OK);
    CHECK(put->status() == 201);
    auto move = request(dav.dav_url("/show/ep1.mp3.part"), "MOVE");
    move->header("Destination: " + dav.dav_url("/show/ep1.mp3")).header("Overwrite: T");
    REQUIRE(move->perform() == CURLE_OK);
    CHECK((move->status() == 201 || move->status() == 204));
  }
  CHECK(read_file((dav.root() / "show/ep1.mp3").string()) == kEpisode);
  CHECK_FALSE(fs::exists(dav.root() / "show/ep1.mp3.part"));

  Curl get(dav.public_url("/show/ep1.mp3"));
  REQUIRE(get.perform() == CURLE_OK);
  CHECK(get.status() == 200);
  CHECK(get.body() == kEpisode);
  const std::string etag = header_value(get.response_headers(), "etag");
  CHECK_FALSE(etag.empty());
  CHECK_FALSE(header_value(get.response_headers(), "last-modified").empty());

  Curl range(dav.public_url("/show/ep1.mp3"));
  range.set(CURLOPT_RANGE, "0-2");
  REQUIRE(range.perform() == CURLE_OK);
  CHECK(range.status() == 206);
  CHECK(range.body() == kEpisode.substr(0, 3));

  Curl again(dav.public_url("/show/ep1.mp3"));
  again.header("If-None-Match: " + etag);
  REQUIRE(again.perform() == CURLE_OK);
  CHECK(again.status() == 304);

  auto propfind = request(dav.dav_url("/show/"), "PROPFIND");
  propfind->header("Depth: 1");
  REQUIRE(propfind->perform() == CURLE_OK);
  CHECK(propfind->status() == 207);
  CHECK(propfind->body().find("/dav/show/ep1.mp3") != std::string::npos);
}

TEST_CASE("nginx WebDAV refuses writes without the password, through the public URL, or into a missing collection",
          "[servers]") {
  NginxDavServer dav;
  {
    Curl anonymous(dav.dav_url("/ep1.mp3"));
    REQUIRE(anonymous.upload(kEpisode).perform() == CURLE_OK);
    CHECK(anonymous.status() == 401);
  }
  {
    Curl wrong(dav.dav_url("/ep1.mp3"));
    wrong.set(CURLOPT_USERPWD, (dav.user() + ":not-the-password").c_str());
    REQUIRE(wrong.upload(kEpisode).perform() == CURLE_OK);
    CHECK(wrong.status() == 401);
  }
  {
    Curl public_put(dav.public_url("/ep1.mp3"));
    public_put.set(CURLOPT_USERPWD, (dav.user() + ":" + dav.password()).c_str());
    REQUIRE(public_put.upload(kEpisode).perform() == CURLE_OK);
    CHECK(public_put.status() == 403);
  }
  {
    // create_full_put_path off: nginx answers 500 where RFC 4918 says 409; either
    // way the client must MKCOL first.
    Curl no_collection(dav.dav_url("/missing/ep1.mp3"));
    no_collection.set(CURLOPT_USERPWD, (dav.user() + ":" + dav.password()).c_str());
    REQUIRE(no_collection.upload(kEpisode).perform() == CURLE_OK);
    CHECK(no_collection.status() >= 400);
  }
  CHECK(fs::is_empty(dav.root()));
  CHECK(dav.log().find("password mismatch") != std::string::npos);
}

// ---- S3: s3rver behind the SigV4 proxy ------------------------------------------

TEST_CASE("the S3 server takes a PUT signed with SigV4 and gives the object back", "[servers]") {
  S3Server s3;
  Curl put(s3.object_url("show/ep%201.mp3"));
  s3_sign(put, s3, s3.secret_key(), kEpisode);
  put.header("Content-Type: audio/mpeg").header("x-amz-acl: public-read");
  REQUIRE(put.upload(kEpisode).perform() == CURLE_OK);
  INFO(put.body());
  CHECK(put.status() == 200);
  CHECK(read_file(s3.object_path("show/ep 1.mp3").string()) == kEpisode);

  Curl get(s3.object_url("show/ep%201.mp3"));
  s3_sign(get, s3, s3.secret_key(), "");
  REQUIRE(get.perform() == CURLE_OK);
  CHECK(get.status() == 200);
  CHECK(get.body() == kEpisode);
  CHECK_FALSE(header_value(get.response_headers(), "etag").empty());

  const std::vector<nlohmann::json> seen = s3.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0]["method"] == "PUT");
  CHECK(seen[0]["path"] == "/podcast/show/ep%201.mp3");
  CHECK(seen[0]["headers"]["content-type"] == "audio/mpeg");
  CHECK(seen[0]["headers"]["x-amz-acl"] == "public-read");
  CHECK(seen[0]["verdict"] == "ok");
  CHECK(seen[1]["method"] == "GET");
  CHECK(seen[1]["status"] == 200);
}

TEST_CASE("the S3 server refuses a wrong secret, a body that is not the one signed, and no signature", "[servers]") {
  S3Server s3;
  struct Case {
    const char* what;
    std::string secret;
    std::string signed_body;  // what x-amz-content-sha256 says was sent
    bool sign;
    long status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"wrong secret", "not-the-secret", kEpisode, true, 403, "SignatureDoesNotMatch"},
      {"other bytes", s3.secret_key(), "other bytes", true, 400, "XAmzContentSHA256Mismatch"},
      {"no Authorization", "", kEpisode, false, 403, "AccessDenied"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    Curl put(s3.object_url("ep1.mp3"));
    if (c.sign) s3_sign(put, s3, c.secret, c.signed_body);
    REQUIRE(put.upload(kEpisode).perform() == CURLE_OK);
    CHECK(put.status() == c.status);
    CHECK(put.body().find("<Code>" + c.code + "</Code>") != std::string::npos);
    CHECK(s3.requests().back()["verdict"] == c.code);
  }
  CHECK_FALSE(fs::exists(s3.object_path("ep1.mp3")));
}

// ---- Pings ----------------------------------------------------------------------

TEST_CASE("the ping recorder records a POST body and a GET query exactly, and answers the status it was given",
          "[servers]") {
  PingRecorder hub;
  Curl post(hub.url("/hub"));
  const std::string form = "hub.mode=publish&hub.url=https%3A%2F%2Fexample.org%2Ffeed.xml";
  post.set(CURLOPT_POSTFIELDS, form.c_str());
  REQUIRE(post.perform() == CURLE_OK);
  CHECK(post.status() == 200);
  Curl get(hub.url("/api/1.0/hub/pubnotify?url=https%3A%2F%2Fexample.org%2Ffeed.xml&x=%C3%A9"));
  REQUIRE(get.perform() == CURLE_OK);

  const std::vector<nlohmann::json> seen = hub.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0]["method"] == "POST");
  CHECK(seen[0]["path"] == "/hub");
  CHECK(seen[0]["body"] == form);
  CHECK(seen[0]["headers"]["content-type"] == "application/x-www-form-urlencoded");
  CHECK(seen[1]["method"] == "GET");
  CHECK(seen[1]["path"] == "/api/1.0/hub/pubnotify");
  CHECK(seen[1]["query"] == "url=https%3A%2F%2Fexample.org%2Ffeed.xml&x=%C3%A9");
  CHECK(seen[1]["body"] == "");

  PingRecorder failing(500);
  Curl refused(failing.url("/"));
  REQUIRE(refused.perform() == CURLE_OK);
  CHECK(refused.status() == 500);
  CHECK(failing.requests().size() == 1);
}
