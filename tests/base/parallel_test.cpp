#include "base/parallel.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <vector>

TEST_CASE("parallel_for calls the function once for every index, on any number of threads") {
  for (const unsigned threads : {0u, 1u, 2u, 7u}) {
    for (const size_t n : {size_t{0}, size_t{1}, size_t{9}, size_t{1000}}) {
      CAPTURE(threads, n);
      std::vector<std::atomic<int>> calls(n);
      podsmith::parallel_for(n, threads, [&](size_t i) { ++calls[i]; });
      for (size_t i = 0; i < n; ++i) CHECK(calls[i] == 1);
    }
  }
}
