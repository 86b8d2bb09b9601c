// The libebur128 functions podsmith calls (from loudness_meter.cpp), each forwarding
// to libebur128.so.1 loaded on first use, as ffmpeg_api.cpp does for FFmpeg: a
// command that measures no loudness does not load it.
#include <ebur128.h>

#include "base/lazy_library.h"

namespace {

podsmith::LazyLibrary& libebur128() {
  static podsmith::LazyLibrary library("libebur128.so.1", "libebur128-1");
  return library;
}

}  // namespace

#define PODSMITH_FORWARD(ret, name, params, args)                                   \
  ret name params {                                                                \
    static auto* const real = podsmith::lazy_function(libebur128(), &name, #name); \
    return real args;                                                              \
  }

PODSMITH_FORWARD(ebur128_state*, ebur128_init, (unsigned int channels, unsigned long rate, int mode),
                 (channels, rate, mode))
PODSMITH_FORWARD(void, ebur128_destroy, (ebur128_state * *st), (st))
PODSMITH_FORWARD(int, ebur128_set_channel, (ebur128_state * st, unsigned int index, int value), (st, index, value))
PODSMITH_FORWARD(int, ebur128_add_frames_float, (ebur128_state * st, const float* src, size_t frames),
                 (st, src, frames))
PODSMITH_FORWARD(int, ebur128_loudness_global, (ebur128_state * st, double* out), (st, out))
PODSMITH_FORWARD(int, ebur128_loudness_range, (ebur128_state * st, double* out), (st, out))
