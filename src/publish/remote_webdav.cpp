// A WebDAV server (or a plain HTTP PUT endpoint) as a Remote, over http_client.
// WebDAV: MKCOL each missing collection, PUT to a temporary name, then MOVE it
// over the target with Overwrite: T, which servers such as nginx and Apache do
// with one rename(2): a reader gets the old file or the new one, never half.
// pugixml reads PROPFIND answers here, as it reads feeds in the RSS reader.
#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>

#include "podsmith/base/http_client.h"
#include "podsmith/feed/rss_writer.h"
#include "podsmith/base/text.h"
#include "publish/remote_backends.h"

namespace podsmith {

// The path of a URL ("http://h:1/dav/a%20b.mp3" -> "/dav/a b.mp3"), or of an
// href that is a path already.
std::string decoded_path(const std::string& url_or_path) {
  std::string path = url_or_path;
  if (const size_t scheme = path.find("://"); scheme != std::string::npos) {
    const size_t slash = path.find('/', scheme + 3);
    path = slash == std::string::npos ? "/" : path.substr(slash);
  }
  path = path.substr(0, path.find_first_of("?#"));
  return percent_decode(path).value_or(path);
}

// The files of a WebDAV multistatus answer (RFC 4918 §13), by decoded path. The
// DAV: namespace comes with any prefix, so elements are matched by local name.
std::optional<std::map<std::string, RemoteFile>> parse_multistatus(const std::string& xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size(), pugi::parse_default & ~pugi::parse_doctype)) return std::nullopt;
  const auto local = [](const pugi::xml_node& n) {
    const std::string_view name = n.name();
    const size_t colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
  };
  const auto find = [&](const pugi::xml_node& parent, std::string_view name) {
    return parent.find_node([&](const pugi::xml_node& n) { return local(n) == name; });
  };
  std::map<std::string, RemoteFile> files;
  for (const pugi::xpath_node& x : doc.select_nodes("//*[local-name()='response']")) {
    const pugi::xml_node response = x.node();
    const pugi::xml_node type = find(response, "resourcetype");
    if (type && find(type, "collection")) continue;
    RemoteFile f;
    f.exists = true;
    if (const pugi::xml_node length = find(response, "getcontentlength")) {
      f.size_bytes = std::strtoll(length.text().get(), nullptr, 10);
    }
    if (const pugi::xml_node etag = find(response, "getetag")) f.etag = etag.text().get();
    files[decoded_path(find(response, "href").text().get())] = f;
  }
  return files;
}

namespace {

class WebdavRemote : public Remote {
 public:
  WebdavRemote(std::string base, bool webdav, const RemoteAccess& access, const std::string& ca_file,
               std::string credentials_prefix)
      : base_(std::move(base)), webdav_(webdav), access_(access), prefix_(std::move(credentials_prefix)) {
    options_.ca_file = ca_file;
    options_.use_netrc = access.use_netrc;
    options_.accept_gzip = false;  // sizes and ETags must be of the stored bytes
    options_.timeout_s = 0;        // an upload takes as long as it takes; low_speed_timeout_s still applies
    options_.low_speed_timeout_s = 30;
    options_.max_body_bytes = size_t{1} << 20;  // answers to PUT, MOVE, HEAD are small
  }

  std::string describe() const override { return redact_url(base_); }
  std::string replace_method() const override { return webdav_ ? "move" : "put"; }

  void put(const std::vector<Upload>& uploads, const UploadProgress& progress, const UploadDone& done) override {
    std::vector<std::optional<Error>> errors(uploads.size());
    if (webdav_) make_collections(uploads, errors);

    // Every body to its temporary name (or, without WebDAV, its place), in parallel.
    std::vector<HttpRequest> puts;
    std::vector<size_t> put_index;
    for (size_t i = 0; i < uploads.size(); ++i) {
      if (errors[i]) continue;
      const Upload& u = uploads[i];
      HttpRequest r = request("PUT", url(webdav_ ? temporary_path(u.remote_path) : u.remote_path));
      r.body_file = u.local_path;
      if (!u.content_type.empty()) r.headers.emplace_back("Content-Type", u.content_type);
      puts.push_back(std::move(r));
      put_index.push_back(i);
    }
    HttpOptions options = options_;
    if (progress) {
      options.upload_progress = [&](size_t k, int64_t sent, int64_t total) { progress(put_index[k], sent, total); };
    }
    const auto put_results = http_fetch_all(puts, options, std::max(access_.parallel, 1));
    std::vector<HttpRequest> moves;
    std::vector<size_t> move_index;
    for (size_t k = 0; k < put_results.size(); ++k) {
      const size_t i = put_index[k];
      const auto& r = put_results[k];
      if (!r) {
        errors[i] = r.error();
      } else if (r->status < 200 || r->status > 299) {
        errors[i] = status_problem(*r, "uploading " + uploads[i].remote_path);
      } else if (webdav_) {
        HttpRequest move = request("MOVE", puts[k].url);
        move.headers = {{"Destination", url(uploads[i].remote_path)}, {"Overwrite", "T"}};
        moves.push_back(std::move(move));
        move_index.push_back(i);
      }
    }
    const auto move_results = http_fetch_all(moves, options_, std::max(access_.parallel, 1));
    for (size_t k = 0; k < move_results.size(); ++k) {
      const size_t i = move_index[k];
      const auto& r = move_results[k];
      if (!r) {
        errors[i] = r.error();
      } else if (r->status < 200 || r->status > 299) {
        errors[i] = status_problem(*r, "moving " + temporary_path(uploads[i].remote_path) + " over " +
                                           uploads[i].remote_path);
      }
    }
    for (size_t i = 0; i < uploads.size(); ++i) done(i, errors[i]);
  }

  std::vector<Result<RemoteFile>> stat(const std::vector<std::string>& remote_paths) override {
    // One PROPFIND per directory instead of a HEAD per file, where the server
    // speaks WebDAV: 500 episodes are 500 round trips otherwise.
    if (webdav_ && remote_paths.size() > 2) {
      if (auto listed = stat_by_listing(remote_paths)) return std::move(*listed);
    }
    return stat_by_head(remote_paths);
  }

 private:
  std::vector<Result<RemoteFile>> stat_by_head(const std::vector<std::string>& remote_paths) {
    std::vector<HttpRequest> heads;
    for (const std::string& path : remote_paths) heads.push_back(request("HEAD", url(path)));
    auto results = http_fetch_all(heads, options_, std::max(access_.parallel, 1));
    std::vector<Result<RemoteFile>> out;
    for (size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      if (!r) {
        out.push_back(r.error());
      } else if (r->status == 404 || r->status == 410) {
        out.push_back(RemoteFile{});
      } else if (r->status < 200 || r->status > 299) {
        out.push_back(status_problem(*r, "asking for " + remote_paths[i]));
      } else {
        out.push_back(remote_file_from(*r));
      }
    }
    return out;
  }

  std::string url(const std::string& remote_path) const { return url_for_path(base_, remote_path); }

  // What each path's directory listing (PROPFIND, Depth: 1) says of it; nullopt
  // when a listing cannot be had, and HEAD requests should ask instead.
  std::optional<std::vector<Result<RemoteFile>>> stat_by_listing(const std::vector<std::string>& remote_paths) {
    std::map<std::string, std::vector<size_t>> by_dir;  // "media/" (or "") -> indexes
    for (size_t i = 0; i < remote_paths.size(); ++i) {
      const size_t slash = remote_paths[i].rfind('/');
      by_dir[slash == std::string::npos ? "" : remote_paths[i].substr(0, slash + 1)].push_back(i);
    }
    std::vector<HttpRequest> listings;
    for (const auto& [dir, indexes] : by_dir) {
      HttpRequest r = request("PROPFIND", url(dir));
      r.headers = {{"Depth", "1"}, {"Content-Type", "application/xml; charset=utf-8"}};
      r.body = R"(<?xml version="1.0" encoding="utf-8"?>)"
               R"(<D:propfind xmlns:D="DAV:"><D:prop><D:getcontentlength/><D:getetag/><D:resourcetype/>)"
               R"(</D:prop></D:propfind>)";
      listings.push_back(std::move(r));
    }
    HttpOptions options = options_;
    options.max_body_bytes = size_t{64} << 20;  // a directory of many thousand files
    const auto results = http_fetch_all(listings, options, std::max(access_.parallel, 1));
    std::vector<Result<RemoteFile>> out(remote_paths.size(), RemoteFile{});
    std::vector<size_t> unlisted;  // asked again one by one: a proxy may rewrite hrefs
    size_t k = 0;
    for (const auto& [dir, indexes] : by_dir) {
      const auto& r = results[k++];
      if (r && r->status == 404) continue;  // no directory: none of its files exist
      if (!r || r->status != 207) return std::nullopt;
      const auto files = parse_multistatus(r->body);
      if (!files) return std::nullopt;
      for (size_t i : indexes) {
        const auto it = files->find(decoded_path(url(remote_paths[i])));
        if (it != files->end()) {
          out[i] = it->second;
        } else {
          unlisted.push_back(i);
        }
      }
    }
    if (!unlisted.empty()) {
      std::vector<std::string> paths;
      for (size_t i : unlisted) paths.push_back(remote_paths[i]);
      auto heads = stat_by_head(paths);
      for (size_t j = 0; j < unlisted.size(); ++j) out[unlisted[j]] = std::move(heads[j]);
    }
    return out;
  }

  HttpRequest request(const char* method, std::string url) const {
    HttpRequest r;
    r.method = method;
    r.url = std::move(url);
    r.user = access_.user;
    r.password = access_.password;
    return r;
  }

  Error failure(const std::string& message) const {
    return Error{ErrorCode::kUnreadable, describe() + ": " + message, "", 0, 0};
  }

  // An answer that is not a success, said so that the producer knows what to do.
  Error status_problem(const HttpResponse& r, const std::string& what) const {
    std::string message = what + ": HTTP " + std::to_string(r.status);
    if (r.status == 401 || r.status == 403) {
      message += " (the server refused the credentials: set " + prefix_ + "_USER and " + prefix_ +
                 "_PASSWORD in the environment, or a netrc entry for the host)";
    } else if (r.status == 405 || r.status == 501) {
      message += " (the server does not allow this method: for a plain PUT server set webdav = false)";
    } else if (r.status == 409) {
      message += " (a parent collection is missing: does the target itself exist on the server?)";
    } else if (r.status == 413) {
      message += " (the server refused a body this large)";
    }
    return failure(message);
  }

  // MKCOL every collection the uploads need, shallowest first (a collection can
  // only be made inside one that exists). 405 means it exists already.
  void make_collections(const std::vector<Upload>& uploads, std::vector<std::optional<Error>>& errors) {
    std::map<size_t, std::set<std::string>> by_depth;
    for (const Upload& u : uploads) {
      for (const std::string& dir : parent_directories("/" + u.remote_path)) {
        if (!made_.count(dir)) by_depth[static_cast<size_t>(std::count(dir.begin(), dir.end(), '/'))].insert(dir);
      }
    }
    std::map<std::string, Error> failed;
    for (const auto& [depth, dirs] : by_depth) {
      std::vector<HttpRequest> mkcols;
      std::vector<std::string> names(dirs.begin(), dirs.end());
      for (const std::string& dir : names) mkcols.push_back(request("MKCOL", url(dir.substr(1) + "/")));
      const auto results = http_fetch_all(mkcols, options_, std::max(access_.parallel, 1));
      for (size_t k = 0; k < results.size(); ++k) {
        const auto& r = results[k];
        if (r && ((r->status >= 200 && r->status <= 299) || r->status == 405)) {
          made_.insert(names[k]);
        } else {
          failed.emplace(names[k], r ? status_problem(*r, "creating the collection " + names[k].substr(1) + "/")
                                     : r.error());
        }
      }
    }
    for (size_t i = 0; i < uploads.size(); ++i) {
      for (const std::string& dir : parent_directories("/" + uploads[i].remote_path)) {
        if (auto it = failed.find(dir); it != failed.end()) {
          errors[i] = it->second;
          break;
        }
      }
    }
  }

  std::string base_;  // ends in '/'
  bool webdav_;
  RemoteAccess access_;
  HttpOptions options_;
  std::string prefix_;
  std::set<std::string> made_;  // collections known to exist ("/media")
};

}  // namespace

Result<std::unique_ptr<Remote>> make_webdav_remote(const PublishSettings& settings, const RemoteAccess& access,
                                                   const std::string& ca_file) {
  std::string base = settings.target;
  if (base.back() != '/') base += '/';
  return std::unique_ptr<Remote>(
      std::make_unique<WebdavRemote>(std::move(base), settings.webdav, access, ca_file, settings.credentials));
}

}  // namespace podsmith
