// The Remote of each protocol, made by open_remote (remote.cpp). Private to the
// library: callers see only remote.h.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "podsmith/base/http_client.h"
#include "podsmith/publish/remote.h"

namespace podsmith {

/// sftp://, ftp:// and ftps:// (explicit TLS), over libcurl (remote_ftp.cpp).
Result<std::unique_ptr<Remote>> make_ftp_remote(const PublishSettings& settings, const RemoteAccess& access,
                                                const std::string& ca_file);
/// http(s):// as WebDAV or plain PUT, over http_client (remote_webdav.cpp).
Result<std::unique_ptr<Remote>> make_webdav_remote(const PublishSettings& settings, const RemoteAccess& access,
                                                   const std::string& ca_file);
/// s3://bucket/prefix, over http_client with SigV4 signing (remote_s3.cpp). The
/// parts of unfinished multipart uploads are recorded under workspace_root's
/// .podsmith/ so a later publish can resume them.
Result<std::unique_ptr<Remote>> make_s3_remote(const PublishSettings& settings, const RemoteAccess& access,
                                               const std::string& ca_file, const std::string& workspace_root);

/// The path of a URL, percent-decoded ("http://h/dav/a%20b.mp3" -> "/dav/a b.mp3");
/// an href that is a path already stays one.
std::string decoded_path(const std::string& url_or_path);

/// The files (not collections) a WebDAV multistatus answer lists, by
/// decoded_path of their href; nullopt when it is not XML.
std::optional<std::map<std::string, RemoteFile>> parse_multistatus(const std::string& xml);

/// What a successful HEAD says of a file: its Content-Length (-1 when missing
/// or not a number) and ETag.
RemoteFile remote_file_from(const HttpResponse& head);

/// "/a/b/c.mp3" -> {"/a", "/a/b"}: every parent directory of each path, shallowest first.
std::vector<std::string> parent_directories(const std::string& path);

}  // namespace podsmith
