#include "mpeg_duration.h"

#include <mpg123.h>

#include <memory>
#include <mutex>

namespace podsmith {
namespace {

struct HandleDeleter {
  void operator()(mpg123_handle* h) const { mpg123_delete(h); }
};
using Handle = std::unique_ptr<mpg123_handle, HandleDeleter>;

// mpg123_init() is a no-op since 1.27 but older libraries need it, once.
void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { mpg123_init(); });
}

// libmpg123 reads through these, from the ByteSource, instead of two read()
// system calls per frame.
struct Cursor {
  ByteSource* source;
  int64_t position = 0;
};

mpg123_ssize_t cursor_read(void* handle, void* out, size_t n) {
  auto* c = static_cast<Cursor*>(handle);
  const size_t got = c->source->read_at(c->position, static_cast<char*>(out), n);
  c->position += static_cast<int64_t>(got);
  return static_cast<mpg123_ssize_t>(got);
}

off_t cursor_seek(void* handle, off_t offset, int whence) {
  auto* c = static_cast<Cursor*>(handle);
  int64_t target = offset;
  if (whence == SEEK_CUR) target += c->position;
  if (whence == SEEK_END) target += c->source->size();
  if (target < 0) return -1;
  c->position = target;
  return static_cast<off_t>(target);
}

Error mpg_error(const std::string& path, const char* what, mpg123_handle* h) {
  return Error{ErrorCode::kCorrupt,
               std::string(what) + " (" + mpg123_strerror(h) + ")", path, 0, 0};
}

}  // namespace

Result<MpegDuration> measure_mpeg_duration(ByteSource& source, const MpegDurationOptions& options) {
  init_library();
  const std::string& path = source.path();
  int err = MPG123_OK;
  Handle h(mpg123_new(nullptr, &err));
  if (!h) return Error{ErrorCode::kInvalidInput, "cannot start the MPEG decoder", path, 0, 0};

  // Quiet, gapless, and strict about what counts as one stream: a file glued
  // from several encodings ("Frankenstein") still gets all its frames counted.
  mpg123_param(h.get(), MPG123_ADD_FLAGS,
               MPG123_QUIET | MPG123_GAPLESS | MPG123_SKIP_ID3V2, 0.0);
  mpg123_param(h.get(), MPG123_RESYNC_LIMIT, 16 * 1024, 0.0);

  Cursor cursor{&source, 0};
  if (mpg123_replace_reader_handle(h.get(), cursor_read, cursor_seek, nullptr) != MPG123_OK ||
      mpg123_open_handle(h.get(), &cursor) != MPG123_OK)
    return mpg_error(path, "cannot open the MPEG stream", h.get());
  mpg123_set_filesize(h.get(), static_cast<off_t>(source.size()));

  long rate = 0;
  int channels = 0, encoding = 0;
  if (mpg123_getformat(h.get(), &rate, &channels, &encoding) != MPG123_OK)
    return mpg_error(path, "no MPEG audio frames found", h.get());

  MpegDuration out;
  out.sample_rate_hz = static_cast<int>(rate);
  out.channels = channels;

  // With an Info/Xing/VBRI frame, libmpg123 knows the frame count already;
  // without one its length is a guess from the first frame's bitrate, which is
  // wrong for VBR (and by tens of seconds when the file starts with silence).
  // Then count every frame; the Info frame's gapless values still apply.
  out.from_header = options.trust_header;
  if (!options.trust_header && mpg123_scan(h.get()) != MPG123_OK)
    return mpg_error(path, "cannot scan the MPEG frames", h.get());

  const off_t samples = mpg123_length(h.get());
  const off_t frames = mpg123_framelength(h.get());
  if (samples < 0 || frames < 0) return mpg_error(path, "cannot measure the MPEG stream", h.get());
  out.samples = samples;
  out.frames = frames;
  return out;
}

}  // namespace podsmith
