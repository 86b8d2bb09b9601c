#include "media/container_readers.h"

#include <algorithm>
#include <cstring>

#include "podsmith/base/text.h"

namespace podsmith {
namespace {

uint8_t byte_at(std::string_view b, size_t i) { return static_cast<uint8_t>(b[i]); }

uint32_t le32(std::string_view b, size_t i) {
  return uint32_t{byte_at(b, i)} | uint32_t{byte_at(b, i + 1)} << 8 | uint32_t{byte_at(b, i + 2)} << 16 |
         uint32_t{byte_at(b, i + 3)} << 24;
}

uint32_t be32(std::string_view b, size_t i) {
  return uint32_t{byte_at(b, i)} << 24 | uint32_t{byte_at(b, i + 1)} << 16 | uint32_t{byte_at(b, i + 2)} << 8 |
         byte_at(b, i + 3);
}

int16_t le16s(std::string_view b, size_t i) {
  return static_cast<int16_t>(static_cast<uint16_t>(byte_at(b, i) | byte_at(b, i + 1) << 8));
}

// `n` bytes from `offset`, or nullopt when the file ends first.
std::optional<std::string> read_exactly(ByteSource& source, int64_t offset, size_t n) {
  if (offset < 0 || offset > source.size() || static_cast<uint64_t>(source.size() - offset) < n) return std::nullopt;
  std::string out(n, '\0');
  if (source.read_at(offset, out.data(), n) != n) return std::nullopt;
  return out;
}

// b.rfind("OggS"), without a memcmp() call at every byte from the end.
size_t rfind_oggs(std::string_view b) {
  for (size_t end = b.size() >= 4 ? b.size() - 3 : 0; end > 0;) {  // an 'O' in [0, end) with 3 bytes after it
    const void* o = ::memrchr(b.data(), 'O', end);
    if (!o) break;
    const auto at = static_cast<size_t>(static_cast<const char*>(o) - b.data());
    if (b.compare(at, 4, "OggS") == 0) return at;
    end = at;
  }
  return std::string_view::npos;
}

// TagLib's Utils::findID3v1() as media_probe.cpp reads it.
bool has_id3v1(ByteSource& source) {
  const int64_t size = source.size();
  if (size >= 131) {
    const std::string_view b = source.view(size - 131, 8);
    return b.size() == 8 && b.substr(3, 3) == "TAG" && b != "APETAGEX";
  }
  return size >= 128 && source.view(size - 128, 3) == "TAG";
}

}  // namespace

std::string VorbisComment::first_value(std::string_view key) const {
  for (const auto& [k, v] : fields)
    if (k == key) return v;
  return {};
}

std::optional<VorbisComment> read_vorbis_comment(std::string_view data) {
  if (data.size() < 8) return std::nullopt;
  const uint32_t vendor = le32(data, 0);
  if (vendor > data.size() - 8) return std::nullopt;
  size_t pos = 4 + size_t{vendor};
  const uint32_t count = le32(data, pos);
  pos += 4;
  if (count > (data.size() - 8) / 4) return std::nullopt;
  VorbisComment out;
  for (uint32_t i = 0; i < count; ++i) {
    if (data.size() - pos < 4) return std::nullopt;
    const uint32_t length = le32(data, pos);
    pos += 4;
    if (length > data.size() - pos) return std::nullopt;
    const std::string_view entry = data.substr(pos, length);
    pos += length;
    const size_t sep = entry.find('=');
    if (sep == std::string_view::npos || sep == 0) continue;  // TagLib drops it
    std::string key(entry.substr(0, sep));
    for (char& c : key) {
      // TagLib keeps keys of ASCII 0x20..0x7D only (and would cut one at a NUL).
      if (static_cast<uint8_t>(c) < 0x20 || static_cast<uint8_t>(c) > 0x7D) return std::nullopt;
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    if (key == "METADATA_BLOCK_PICTURE" || key == "COVERART" || key.rfind("CHAPTER", 0) == 0) return std::nullopt;
    std::string_view value = entry.substr(sep + 1);
    if (!is_valid_utf8(value)) return std::nullopt;
    value = value.substr(0, value.find('\0'));
    if (value.empty()) continue;  // TagLib adds no empty values
    out.fields.emplace_back(std::move(key), std::string(value));
  }
  return out;
}

std::optional<FlacPicture> read_flac_picture(std::string_view data) {
  if (data.size() < 32) return std::nullopt;
  FlacPicture out;
  out.type = be32(data, 0);
  size_t pos = 4;
  const uint32_t mime_length = be32(data, pos);
  pos += 4;
  if (uint64_t{pos} + mime_length + 24 > data.size()) return std::nullopt;
  out.mime_type = std::string(data.substr(pos, mime_length));
  out.mime_type.resize(std::min(out.mime_type.size(), out.mime_type.find('\0')));  // TagLib's String stops there
  pos += mime_length;
  const uint32_t description_length = be32(data, pos);
  pos += 4;
  if (uint64_t{pos} + description_length + 20 > data.size()) return std::nullopt;
  pos += description_length + 16;  // description, width, height, depth, colours
  const uint32_t data_length = be32(data, pos);
  pos += 4;
  if (uint64_t{pos} + data_length > data.size()) return std::nullopt;
  out.data = data.substr(pos, data_length);
  return out;
}

std::optional<PlainFlac> read_plain_flac(ByteSource& source) {
  if (source.view(0, 4) != "fLaC" || has_id3v1(source)) return std::nullopt;
  PlainFlac out;
  bool have_comment = false;
  int64_t offset = 4;
  for (int block = 0;; ++block) {
    const std::string_view header = source.view(offset, 4);
    if (header.size() != 4) return std::nullopt;
    const int type = byte_at(header, 0) & 0x7F;
    const bool last = byte_at(header, 0) & 0x80;
    const uint32_t length = uint32_t{byte_at(header, 1)} << 16 | uint32_t{byte_at(header, 2)} << 8 | byte_at(header, 3);
    // TagLib: the first block is STREAMINFO; only padding and seek tables may be empty.
    if ((block == 0) != (type == 0)) return std::nullopt;
    if (length == 0 && type != 1 && type != 3) return std::nullopt;
    if (source.size() - offset - 4 < int64_t{length}) return std::nullopt;
    if (type == 0 || type == 4 || type == 6) {
      auto data = read_exactly(source, offset + 4, length);
      if (!data) return std::nullopt;
      if (type == 0) {
        if (length < 18) return std::nullopt;
        const uint32_t flags = be32(*data, 10);
        out.sample_rate_hz = static_cast<int>(flags >> 12);
        out.channels = static_cast<int>(((flags >> 9) & 7) + 1);
        out.sample_frames = uint64_t{flags & 0xF} << 32 | be32(*data, 14);
      } else if (type == 4) {
        if (!have_comment) {  // TagLib reads the first one
          auto comment = read_vorbis_comment(*data);
          if (!comment) return std::nullopt;
          out.comment = std::move(*comment);
          have_comment = true;
        }
      } else {
        // TagLib drops a picture it cannot parse, but its 32-bit arithmetic
        // accepts some that do not add up: those are left to it.
        auto picture = read_flac_picture(*data);
        if (!picture || !is_valid_utf8(picture->mime_type)) return std::nullopt;
        out.picture_blocks.push_back(std::move(*data));
      }
    }
    offset += 4 + int64_t{length};
    if (last) break;
  }
  if (out.sample_frames == 0 || out.sample_rate_hz == 0) return std::nullopt;
  return out;
}

namespace {

struct OggPage {
  int64_t granule = 0;
  uint32_t serial = 0;
  uint8_t flags = 0;
  std::vector<uint8_t> lacing;
  int64_t data_offset = 0;
  int64_t data_size = 0;
};

// TagLib's Ogg::PageHeader: "OggS", 27 bytes, at least one lacing value.
std::optional<OggPage> read_ogg_page(ByteSource& source, int64_t offset) {
  const std::string_view h = source.view(offset, 27);
  if (h.size() != 27 || h.substr(0, 4) != "OggS") return std::nullopt;
  OggPage page;
  page.flags = byte_at(h, 5);
  page.granule = static_cast<int64_t>(uint64_t{le32(h, 6)} | uint64_t{le32(h, 10)} << 32);
  page.serial = le32(h, 14);
  const size_t segments = byte_at(h, 26);
  if (segments < 1) return std::nullopt;
  const std::string_view lacing = source.view(offset + 27, segments);
  if (lacing.size() != segments) return std::nullopt;
  page.lacing.assign(lacing.begin(), lacing.end());
  for (uint8_t v : page.lacing) page.data_size += v;
  page.data_offset = offset + 27 + static_cast<int64_t>(segments);
  return page;
}

}  // namespace

std::optional<PlainOgg> read_plain_ogg(ByteSource& source) {
  PlainOgg out;
  std::string packets[2];
  size_t complete = 0;
  int64_t offset = 0;
  uint32_t serial = 0;
  for (int n = 0; complete < 2; ++n) {
    auto page = read_ogg_page(source, offset);
    if (!page) return std::nullopt;
    if (n == 0) {
      serial = page->serial;
      out.first_granule = page->granule;
    }
    // TagLib joins packets across pages of any stream; one stream only here. It
    // also stops at a last page.
    if (page->serial != serial || (page->flags & 4)) return std::nullopt;
    if (source.size() - page->data_offset < page->data_size) return std::nullopt;  // TagLib: a short page
    // Only the bytes of the first two packets (a Vorbis setup header follows the
    // comment on the same page).
    size_t wanted = 0;
    for (size_t i = 0, done = complete; i < page->lacing.size() && done < 2; ++i) {
      wanted += page->lacing[i];
      if (page->lacing[i] < 255) ++done;
    }
    auto data = read_exactly(source, page->data_offset, wanted);
    if (!data) return std::nullopt;
    size_t pos = 0;
    for (uint8_t v : page->lacing) {
      if (complete == 2) break;
      packets[complete].append(*data, pos, v);
      pos += v;
      if (v < 255) ++complete;
    }
    offset = page->data_offset + page->data_size;
  }
  out.ident = std::move(packets[0]);
  out.comment = std::move(packets[1]);

  // The last page is where TagLib's File::rfind() finds the last "OggS": it reads
  // 1 KiB buffers back from the end and misses one that straddles two buffers.
  // Within 64 KiB of the end (a page is at most 65,307 bytes), else TagLib's.
  int64_t last = -1;
  int64_t buffer_length = 1024;
  int64_t buffer_offset = source.size() + 4;
  for (int n = 0; n < 64 && last < 0 && buffer_length > 0; ++n) {
    if (buffer_offset > buffer_length) {
      buffer_offset -= buffer_length;
    } else {
      buffer_length = buffer_offset;
      buffer_offset = 0;
    }
    const size_t wanted = static_cast<size_t>(std::min(buffer_length, source.size() - buffer_offset));
    const std::string_view buffer = source.view(buffer_offset, wanted);
    if (buffer.size() != wanted) return std::nullopt;
    if (const size_t at = rfind_oggs(buffer); at != std::string_view::npos) last = buffer_offset + static_cast<int64_t>(at);
    if (buffer_offset == 0) break;
  }
  if (last < 0) return std::nullopt;
  auto page = read_ogg_page(source, last);
  if (!page) return std::nullopt;
  out.last_granule = page->granule;
  return out;
}

std::optional<PlainWav> read_plain_wav(ByteSource& source) {
  const int64_t size = source.size();
  const std::string_view riff = source.view(0, 12);
  if (riff.size() != 12 || riff.substr(0, 4) != "RIFF" || riff.substr(8, 4) != "WAVE") return std::nullopt;
  std::optional<std::string> fmt;
  int64_t stream_bytes = -1;
  uint32_t fact = 0;  // the first non-zero sample count of a fact chunk
  PlainWav out;
  bool info = false;
  // TagLib's chunk walk (RIFF::File::read): it stops at a bad name or size.
  for (int64_t offset = 12; offset + 8 <= size;) {
    const std::string_view h = source.view(offset, 8);
    if (h.size() != 8) return std::nullopt;
    const std::string name(h.substr(0, 4));
    const uint32_t chunk_size = le32(h, 4);
    const auto bad = [](char c) { return static_cast<uint8_t>(c) < 32 || static_cast<uint8_t>(c) > 127; };
    if (std::any_of(name.begin(), name.end(), bad)) break;
    if (offset + 8 + int64_t{chunk_size} > size) break;
    const int64_t data_offset = offset + 8;
    offset = data_offset + chunk_size;
    int64_t padding = 0;
    if (offset & 1) {
      const std::string_view pad = source.view(offset, 1);
      if (pad.size() == 1 && pad[0] == '\0') {
        padding = 1;
        ++offset;
      }
    }
    if (name == "fmt " && !fmt) {
      fmt = read_exactly(source, data_offset, chunk_size);
      if (!fmt) return std::nullopt;
    } else if (name == "data" && stream_bytes <= 0) {
      // TagLib takes the first data chunk that is not empty.
      stream_bytes = int64_t{chunk_size} + padding;
    } else if (name == "fact" && fact == 0) {
      const std::string_view f = source.view(data_offset, 4);
      if (chunk_size < 4 || f.size() != 4) return std::nullopt;
      fact = le32(f, 0);
    } else if ((name == "ID3 " || name == "id3 ") && out.id3_offset < 0) {
      out.id3_offset = data_offset;
      out.id3_chunk_bytes = chunk_size;
    } else if (name == "LIST") {
      const std::string_view list = source.view(data_offset, 4);
      if (list == "INFO") info = true;
    }
  }
  out.has_info = info;
  if (!fmt || fmt->size() < 16 || stream_bytes <= 0 || stream_bytes > UINT32_MAX) return std::nullopt;
  const auto stream_length = static_cast<uint32_t>(stream_bytes);
  out.format = le16s(*fmt, 0);
  if (out.format != 1 && out.format != 3) return std::nullopt;
  out.channels = le16s(*fmt, 2);
  out.sample_rate_hz = le32(*fmt, 4);
  const int bits = le16s(*fmt, 14);
  if (out.channels <= 0 || bits <= 0 || out.sample_rate_hz == 0) return std::nullopt;
  // TagLib's RIFF::WAV::Properties, in its own unsigned and double arithmetic.
  unsigned int frames = 0;
  if (out.format == 3 && fact != 0) {
    frames = fact;
  } else {
    frames = stream_length / static_cast<unsigned int>(out.channels * ((bits + 7) / 8));
  }
  if (frames == 0) return std::nullopt;
  out.sample_frames = frames;
  const double length = frames * 1000.0 / out.sample_rate_hz;
  const double bitrate = stream_length * 8.0 / length;
  // A length or bitrate past INT_MAX (4e9 frames at 1 Hz; one frame at 4 GHz) does
  // not fit TagLib's int, and converting it here would be undefined behaviour:
  // such a file is left to TagLib.
  if (length + 0.5 >= 2147483648.0 || bitrate + 0.5 >= 2147483648.0) return std::nullopt;
  out.length_ms = static_cast<int>(length + 0.5);
  out.bitrate_kbps = static_cast<int>(bitrate + 0.5);
  return out;
}

}  // namespace podsmith
