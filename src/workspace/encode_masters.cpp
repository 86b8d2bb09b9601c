#include "podsmith/workspace/encode_masters.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "podsmith/base/file_io.h"

namespace podsmith {
namespace {

constexpr const char* kEncodeCacheFile = ".podsmith/encode-cache.json";
// Bumped when master_audio() would make different bytes from the same input.
constexpr const char* kEncoderVersion = "2";

std::string join(const std::string& root, const std::string& relative) {
  return root.empty() || root == "." ? relative : root + "/" + relative;
}

struct FileStamp {
  int64_t size_bytes = -1;
  int64_t mtime_ns = -1;
};

FileStamp stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {int64_t{st.st_size}, int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec};
}

// FNV-1a over 64-bit words (then the tail bytes): a content hash for telling a
// changed master, not for security.
std::optional<std::string> content_hash(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  uint64_t h = 1469598103934665603ull;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const size_t n = static_cast<size_t>(in.gcount());
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t w;
      std::memcpy(&w, buffer.data() + i, 8);
      h = (h ^ w) * 1099511628211ull;
    }
    for (; i < n; ++i) h = (h ^ static_cast<unsigned char>(buffer[i])) * 1099511628211ull;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return std::string(text);
}

std::string settings_key(const MasterSettings& s) {
  char text[160];
  std::snprintf(text, sizeof text, "v%s %s %dk ch%d %.2f LUFS %.2f dBTP", kEncoderVersion,
                encode_format_name(s.format).c_str(), s.bitrate_kbps, s.channels, s.target_lufs, s.true_peak_dbtp);
  return text;
}

}  // namespace

EncodeMastersResult encode_masters(const std::string& root, const Workspace& ws, std::vector<ListedFile>* listing,
                                   bool dry_run) {
  EncodeMastersResult result;
  MasterSettings settings;
  for (const FeedSource& f : ws.feeds) {
    if (f.encode) {
      settings = *f.encode;
      break;
    }
  }
  bool any = false;
  for (const EpisodeSource& e : ws.episodes) any = any || !e.master_file.empty();
  if (!any) return result;

  nlohmann::json cache = nlohmann::json::object();
  if (auto text = read_file(join(root, kEncodeCacheFile))) {
    try {
      cache = nlohmann::json::parse(*text);
      if (!cache.is_object() || cache.value("format", 0) != 1) cache = nlohmann::json::object();
    } catch (const nlohmann::json::exception&) {
      cache = nlohmann::json::object();  // damaged: encode again
    }
  }
  nlohmann::json next = {{"format", 1}, {"media", nlohmann::json::object()}, {"masters", nlohmann::json::object()}};
  bool changed = false;

  for (const EpisodeSource& e : ws.episodes) {
    if (e.master_file.empty()) continue;
    EncodedMedia made;
    made.media = e.episode.media;
    made.master = e.master_file;
    const std::string want = encode_format_extension(settings.format);
    if (made.media.size() < want.size() || made.media.compare(made.media.size() - want.size(), want.size(), want) != 0) {
      result.errors.push_back(Error{ErrorCode::kInvalidInput,
                                    "media " + made.media + " is made from master " + made.master +
                                        " as the feed's [encode] format " + encode_format_name(settings.format) +
                                        ", so its name must end in " + want,
                                    e.file, 0, 0});
      continue;
    }
    // The master's hash, computed again only when its size or mtime changed.
    const std::string master_path = join(root, made.master);
    const FileStamp master_stamp = stamp_of(master_path);
    std::string hash;
    const nlohmann::json known = cache.value("masters", nlohmann::json::object()).value(made.master, nlohmann::json::object());
    if (known.value("size", int64_t{-2}) == master_stamp.size_bytes &&
        known.value("mtime_ns", int64_t{-2}) == master_stamp.mtime_ns)
      hash = known.value("hash", "");
    if (hash.empty()) {
      auto h = content_hash(master_path);
      if (!h) {
        result.errors.push_back(Error{ErrorCode::kUnreadable, "cannot read the master", made.master, 0, 0});
        continue;
      }
      hash = *h;
      changed = true;
    }
    next["masters"][made.master] = {{"size", master_stamp.size_bytes}, {"mtime_ns", master_stamp.mtime_ns}, {"hash", hash}};
    const std::string key = hash + " " + settings_key(settings);
    const std::string media_path = join(root, made.media);
    FileStamp media_stamp = stamp_of(media_path);
    const nlohmann::json old = cache.value("media", nlohmann::json::object()).value(made.media, nlohmann::json::object());
    const bool up_to_date = media_stamp.size_bytes >= 0 && old.value("key", "") == key &&
                            old.value("size", int64_t{-2}) == media_stamp.size_bytes &&
                            old.value("mtime_ns", int64_t{-2}) == media_stamp.mtime_ns;
    if (!up_to_date) {
      made.encoded = true;
      if (!dry_run) {
        auto report = master_audio(master_path, media_path, settings);
        if (!report) {
          Error error = report.error();
          error.message += " (master of " + e.file + ")";
          result.errors.push_back(std::move(error));
          continue;
        }
        made.report = *report;
        // tag: wired by the lead after the tag branch lands (write the sidecar's tags,
        // artwork and chapters into media_path here, before its stamp is taken).
        media_stamp = stamp_of(media_path);
        changed = true;
      }
    }
    if (media_stamp.size_bytes >= 0) {
      next["media"][made.media] = {{"key", key}, {"size", media_stamp.size_bytes}, {"mtime_ns", media_stamp.mtime_ns}};
      // Later steps list the file as it is now.
      auto it = std::find_if(listing->begin(), listing->end(), [&](const ListedFile& f) { return f.path == made.media; });
      if (it == listing->end()) {
        listing->push_back(ListedFile{made.media, media_stamp.size_bytes, media_stamp.mtime_ns});
        std::sort(listing->begin(), listing->end(), [](const ListedFile& a, const ListedFile& b) { return a.path < b.path; });
      } else {
        it->size_bytes = media_stamp.size_bytes;
        it->mtime_ns = media_stamp.mtime_ns;
      }
    }
    result.media.push_back(std::move(made));
  }
  if (!dry_run && (changed || next != cache)) {
    if (auto saved = write_file_atomically(join(root, kEncodeCacheFile), next.dump(1) + "\n", Durability::kCache); !saved)
      result.errors.push_back(saved.error());
  }
  return result;
}

}  // namespace podsmith
