// open_remote: picks the Remote for a target's scheme.
#include "podsmith/publish/remote.h"

#include <cstdlib>
#include <filesystem>

#include "publish/remote_backends.h"

namespace podsmith {

std::string Remote::temporary_path(const std::string& remote_path) {
  const size_t slash = remote_path.rfind('/');
  const size_t name_at = slash == std::string::npos ? 0 : slash + 1;
  // Hidden (a leading dot) so that a directory listing or a web server's index
  // does not offer it; in the same directory so that a rename never crosses a
  // file system.
  return remote_path.substr(0, name_at) + "." + remote_path.substr(name_at) + ".podsmith-part";
}

RemoteFile remote_file_from(const HttpResponse& head) {
  RemoteFile f;
  f.exists = true;
  if (const auto length = head.header("content-length")) {
    char* end = nullptr;
    const long long n = std::strtoll(length->c_str(), &end, 10);
    if (end != length->c_str() && *end == '\0' && n >= 0) f.size_bytes = n;
  }
  f.etag = head.header("etag").value_or("");
  return f;
}

std::vector<std::string> parent_directories(const std::string& path) {
  std::vector<std::string> dirs;
  for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    dirs.push_back(path.substr(0, slash));
  }
  return dirs;
}

Result<std::unique_ptr<Remote>> open_remote(const PublishSettings& settings, const RemoteAccess& access,
                                            const std::string& workspace_root) {
  std::string ca_file = settings.ca_file;
  if (!ca_file.empty() && std::filesystem::path(ca_file).is_relative()) {
    ca_file = (std::filesystem::path(workspace_root) / ca_file).string();
  }
  const std::string& t = settings.target;
  const std::string scheme = t.substr(0, t.find("://"));
  if (scheme == "sftp" || scheme == "ftp" || scheme == "ftps") return make_ftp_remote(settings, access, ca_file);
  if (scheme == "http" || scheme == "https") return make_webdav_remote(settings, access, ca_file);
  if (scheme == "s3") return make_s3_remote(settings, access, ca_file, workspace_root);
  return Error{ErrorCode::kInvalidInput, "publish target '" + t + "' has an unknown scheme", "", 0, 0};
}

}  // namespace podsmith
