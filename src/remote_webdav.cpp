// A WebDAV server (or a plain HTTP PUT endpoint) as a Remote, over http_client.
// WebDAV: MKCOL each missing collection, PUT to a temporary name, then MOVE it
// over the target with Overwrite: T, which servers such as nginx and Apache do
// with one rename(2): a reader gets the old file or the new one, never half.
#include <algorithm>
#include <map>
#include <set>

#include "podsmith/http_client.h"
#include "podsmith/rss_writer.h"
#include "remote_backends.h"

namespace podsmith {
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
        RemoteFile f;
        f.exists = true;
        if (auto length = r->header("content-length")) f.size_bytes = std::stoll(*length);
        f.etag = r->header("etag").value_or("");
        out.push_back(f);
      }
    }
    return out;
  }

 private:
  std::string url(const std::string& remote_path) const { return url_for_path(base_, remote_path); }

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
