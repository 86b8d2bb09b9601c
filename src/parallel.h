/// Runs independent pieces of work on every core: a build loads a thousand
/// sidecars and renders a thousand episodes' notes, each on its own. The caller
/// keeps the order of results by writing result i into slot i; nothing here
/// orders or collects. No I/O.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace podsmith {

/// Calls fn(i) once for every i in [0, n), on up to `threads` threads (0: one
/// per core), the calling thread among them; returns when every call has. The
/// indices are handed out one at a time in increasing order, so uneven pieces
/// even out. fn must not throw, and must be safe to run for different i at once.
template <class Fn>
void parallel_for(size_t n, unsigned threads, const Fn& fn) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  // A thread costs about as much to start as a few small pieces of work.
  threads = static_cast<unsigned>(std::min<size_t>(threads, (n + 7) / 8));
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  const auto work = [&] {
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) fn(i);
  };
  std::vector<std::thread> helpers;
  helpers.reserve(threads - 1);
  for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
}

}  // namespace podsmith
