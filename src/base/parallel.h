/// Runs independent pieces of work on every core: a build loads a thousand
/// sidecars and renders a thousand episodes' notes, each on its own. The caller
/// keeps the order of results by writing result i into slot i; nothing here
/// orders or collects. And frees what it is done with on another thread. No I/O.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <utility>
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

/// Destroys `value` on a thread of its own, for the caller not to wait while a
/// large structure (a thousand episodes: tens of thousands of small blocks, a
/// millisecond or two) is freed piece by piece. A process that exits meanwhile
/// ends that thread with it; the memory goes back to the system either way.
template <class T>
void destroy_in_background(T&& value) {
  std::thread([doomed = std::forward<T>(value)]() mutable { T gone = std::move(doomed); }).detach();
}

}  // namespace podsmith
