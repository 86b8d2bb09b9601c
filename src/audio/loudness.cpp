#include "podsmith/audio/loudness.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "audio/audio_codec.h"
#include "audio/loudness_meter.h"
#include "podsmith/media/media_probe.h"

namespace podsmith {

Result<Loudness> measure_loudness(const std::string& path) {
  auto decoder = audio::AudioDecoder::open(path);
  if (!decoder) return decoder.error();
  audio::LoudnessMeter meter((*decoder)->rate_hz(), (*decoder)->channel_roles());
  if (auto error = audio::measure_all(**decoder, meter)) return *error;
  return meter.result(path);
}

void probe_loudness_each(const std::vector<std::string>& paths,
                         const std::function<void(size_t index, Result<MediaInfo> result)>& sink,
                         unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  // Each file takes long enough (a decode) that a thread per file is worth it,
  // unlike base/parallel.h's small pieces.
  threads = static_cast<unsigned>(std::min<size_t>(threads, paths.size()));
  std::vector<std::optional<Result<MediaInfo>>> done(paths.size());
  std::mutex mutex;
  size_t next_out = 0;
  std::atomic<size_t> next_in{0};
  const auto work = [&] {
    for (size_t i; (i = next_in.fetch_add(1)) < paths.size();) {
      Result<MediaInfo> info = probe(paths[i]);
      if (info) {
        Result<Loudness> loudness = measure_loudness(paths[i]);
        if (loudness)
          info->loudness = *loudness;
        else
          info = loudness.error();
      }
      std::lock_guard lock(mutex);
      done[i] = std::move(info);
      while (next_out < done.size() && done[next_out]) {
        sink(next_out, std::move(*done[next_out]));
        done[next_out].reset();
        ++next_out;
      }
    }
  };
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
}

}  // namespace podsmith
