// The Remote of each protocol, made by open_remote (remote.cpp). Private to the
// library: callers see only remote.h.
#pragma once

#include <memory>
#include <string>

#include "podsmith/remote.h"

namespace podsmith {

/// sftp://, ftp:// and ftps:// (explicit TLS), over libcurl (remote_ftp.cpp).
Result<std::unique_ptr<Remote>> make_ftp_remote(const PublishSettings& settings, const RemoteAccess& access,
                                                const std::string& ca_file);
/// http(s):// as WebDAV or plain PUT, over http_client (remote_webdav.cpp).
Result<std::unique_ptr<Remote>> make_webdav_remote(const PublishSettings& settings, const RemoteAccess& access,
                                                   const std::string& ca_file);
/// s3://bucket/prefix, over http_client with SigV4 signing (remote_s3.cpp).
Result<std::unique_ptr<Remote>> make_s3_remote(const PublishSettings& settings, const RemoteAccess& access,
                                               const std::string& ca_file);

/// "/a/b/c.mp3" -> {"/a", "/a/b"}: every parent directory of each path, shallowest first.
std::vector<std::string> parent_directories(const std::string& path);

}  // namespace podsmith
