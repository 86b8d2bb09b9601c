#include "media/mp4_chapter_box.h"

#include <string_view>

#include "podsmith/base/text.h"

namespace podsmith {
namespace {

Error corrupt(std::string message) {
  Error e;
  e.code = ErrorCode::kCorrupt;
  e.message = std::move(message);
  return e;
}

uint32_t get32(std::string_view s, size_t at) {
  return static_cast<uint32_t>(static_cast<uint8_t>(s[at])) << 24 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[at + 1])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[at + 2])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[at + 3]));
}
uint64_t get64(std::string_view s, size_t at) {
  return static_cast<uint64_t>(get32(s, at)) << 32 | get32(s, at + 4);
}
void put32(std::string* s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*s)[at + i] = static_cast<char>(v >> (24 - 8 * i));
}
void put64(std::string* s, size_t at, uint64_t v) {
  put32(s, at, static_cast<uint32_t>(v >> 32));
  put32(s, at + 4, static_cast<uint32_t>(v));
}
void append32(std::string* s, uint32_t v) {
  s->resize(s->size() + 4);
  put32(s, s->size() - 4, v);
}
void append64(std::string* s, uint64_t v) {
  s->resize(s->size() + 8);
  put64(s, s->size() - 8, v);
}

struct Box {
  size_t offset = 0;  // of the header, within the string walked
  size_t header = 0;  // 8, or 16 with a 64-bit size
  size_t size = 0;    // header included
  std::string_view type;
};

// The boxes in s[begin, end), in order.
Result<std::vector<Box>> read_boxes(std::string_view s, size_t begin, size_t end) {
  std::vector<Box> boxes;
  size_t at = begin;
  while (at < end) {
    if (end - at < 8) return corrupt("a box header is cut short at byte " + std::to_string(at));
    Box box;
    box.offset = at;
    box.header = 8;
    uint64_t size = get32(s, at);
    box.type = s.substr(at + 4, 4);
    if (size == 1) {
      if (end - at < 16) return corrupt("a box header is cut short at byte " + std::to_string(at));
      size = get64(s, at + 8);
      box.header = 16;
    } else if (size == 0) {
      size = end - at;  // to the end
    }
    if (size < box.header || size > end - at)
      return corrupt("the " + std::string(box.type) + " box at byte " + std::to_string(at) +
                     " has a size that does not fit");
    box.size = static_cast<size_t>(size);
    boxes.push_back(box);
    at += box.size;
  }
  return boxes;
}

// A box of `type` around `body`, with a 32-bit size (a 64-bit one past 4 GiB).
std::string make_box(std::string_view type, std::string_view body) {
  std::string out;
  if (body.size() + 8 <= 0xFFFFFFFFu) {
    append32(&out, static_cast<uint32_t>(body.size() + 8));
    out += type;
  } else {
    append32(&out, 1);
    out += type;
    append64(&out, body.size() + 16);
  }
  out += body;
  return out;
}

std::string chpl_box(const std::vector<NeroChapter>& chapters) {
  std::string body;
  append32(&body, 0x01000000);  // version 1, no flags
  append32(&body, 0);           // reserved (version 1 only)
  body += static_cast<char>(chapters.size());
  for (const NeroChapter& chapter : chapters) {
    append64(&body, static_cast<uint64_t>(chapter.start_ms) * 10000);  // in 100 ns
    const std::string_view title = utf8_prefix(chapter.title, 255);
    body += static_cast<char>(title.size());
    body += title;
  }
  return make_box("chpl", body);
}

// Adds `delta` to every chunk offset in moov (`moov` is the new moov box) that
// points past `moov_offset`, the moov's place in the file.
std::optional<Error> move_chunk_offsets(std::string* moov, size_t moov_offset, int64_t delta) {
  // Walk moov > trak > mdia > minf > stbl > stco/co64.
  std::vector<std::pair<size_t, size_t>> ranges;  // body ranges to search, in *moov
  auto top = read_boxes(*moov, 0, moov->size());
  if (!top || top->size() != 1) return corrupt("moov does not parse after the chapters were written");
  const Box& m = top->front();
  auto children_of = [&](size_t begin, size_t end, std::string_view type) -> Result<std::vector<Box>> {
    auto boxes = read_boxes(*moov, begin, end);
    if (!boxes) return boxes.error();
    std::vector<Box> out;
    for (const Box& b : *boxes)
      if (b.type == type) out.push_back(b);
    return out;
  };
  auto traks = children_of(m.offset + m.header, m.offset + m.size, "trak");
  if (!traks) return traks.error();
  for (const Box& trak : *traks) {
    auto mdias = children_of(trak.offset + trak.header, trak.offset + trak.size, "mdia");
    if (!mdias) return mdias.error();
    for (const Box& mdia : *mdias) {
      auto minfs = children_of(mdia.offset + mdia.header, mdia.offset + mdia.size, "minf");
      if (!minfs) return minfs.error();
      for (const Box& minf : *minfs) {
        auto stbls = children_of(minf.offset + minf.header, minf.offset + minf.size, "stbl");
        if (!stbls) return stbls.error();
        for (const Box& stbl : *stbls) {
          auto boxes = read_boxes(*moov, stbl.offset + stbl.header, stbl.offset + stbl.size);
          if (!boxes) return boxes.error();
          for (const Box& b : *boxes) {
            const bool wide = b.type == "co64";
            if (!wide && b.type != "stco") continue;
            const size_t body = b.offset + b.header;
            if (b.size - b.header < 8) return corrupt("a chunk offset table is cut short");
            const uint32_t count = get32(*moov, body + 4);
            const size_t entry = wide ? 8 : 4;
            if ((b.size - b.header - 8) / entry < count) return corrupt("a chunk offset table is cut short");
            for (uint32_t i = 0; i < count; ++i) {
              const size_t at = body + 8 + i * entry;
              const uint64_t old = wide ? get64(*moov, at) : get32(*moov, at);
              if (old <= moov_offset) continue;
              const uint64_t moved = static_cast<uint64_t>(static_cast<int64_t>(old) + delta);
              if (wide) {
                put64(moov, at, moved);
              } else if (moved > 0xFFFFFFFFu) {
                Error e;
                e.code = ErrorCode::kInvalidInput;
                e.message = "the chapters would move the media data past 4 GiB, which stco cannot address";
                return e;
              } else {
                put32(moov, at, static_cast<uint32_t>(moved));
              }
            }
          }
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> replace_nero_chapters(std::string file, const std::vector<NeroChapter>& chapters) {
  if (chapters.size() > 255) {
    Error e;
    e.code = ErrorCode::kInvalidInput;
    e.message = "an MP4 holds at most 255 Nero chapters; this episode has " +
                std::to_string(chapters.size());
    return e;
  }
  auto top = read_boxes(file, 0, file.size());
  if (!top) return top.error();
  const Box* moov = nullptr;
  bool media_after_moov = false;
  for (const Box& box : *top) {
    if (box.type == "moov") moov = &box;
    if (box.type == "moof") {
      Error e;
      e.code = ErrorCode::kUnsupported;
      e.message = "chapters are not supported for a fragmented MP4 (moof)";
      return e;
    }
    if (box.type == "mdat" && moov) media_after_moov = true;
  }
  if (!moov) return corrupt("no moov box");

  auto children = read_boxes(file, moov->offset + moov->header, moov->offset + moov->size);
  if (!children) return children.error();
  std::string moov_body;
  bool had_chpl = false;
  bool have_udta = false;
  for (const Box& child : *children) {
    std::string_view bytes = std::string_view(file).substr(child.offset, child.size);
    if (child.type != "udta") {
      moov_body += bytes;
      continue;
    }
    have_udta = true;
    auto inner = read_boxes(file, child.offset + child.header, child.offset + child.size);
    if (!inner) return inner.error();
    std::string udta_body;
    for (const Box& box : *inner) {
      if (box.type == "chpl") {
        had_chpl = true;
        continue;
      }
      udta_body += std::string_view(file).substr(box.offset, box.size);
    }
    if (!chapters.empty()) udta_body += chpl_box(chapters);
    moov_body += make_box("udta", udta_body);
  }
  if (!had_chpl && chapters.empty()) return file;
  if (!have_udta) moov_body += make_box("udta", chpl_box(chapters));

  std::string new_moov = make_box("moov", moov_body);
  const int64_t delta = static_cast<int64_t>(new_moov.size()) - static_cast<int64_t>(moov->size);
  if (delta != 0 && media_after_moov) {
    if (auto error = move_chunk_offsets(&new_moov, moov->offset, delta)) return *error;
  }
  file.replace(moov->offset, moov->size, new_moov);
  return file;
}

}  // namespace podsmith
