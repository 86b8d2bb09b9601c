#!/usr/bin/env python3
"""Makes the committed seed corpora in tests/fuzz/corpus/<target>/ from the
repository's fixtures: small cuts of the media fixtures (their tags and headers
whole, only a few frames or bytes of audio, sizes fixed up so each is still a
valid file), the example show's sidecars, feed file, chapters and transcript, the
fixture feeds, and a few hand-written inputs per parser. Run from anywhere:
    tests/fuzz/make-seeds.py
It replaces the seed files it makes and leaves any other file in those folders
(a regression input a crash left) alone. Deterministic: same fixtures, same bytes.
"""
import glob
import os
import struct

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MEDIA = os.path.join(ROOT, "tests", "fixtures", "media")
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def read(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


def media(name):
    with open(os.path.join(MEDIA, name), "rb") as f:
        return f.read()


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# ---- MP3 -----------------------------------------------------------------------

def id3_size(b):
    if b[:3] != b"ID3":
        return 0
    size = 0
    for x in b[6:10]:
        size = size << 7 | x
    return 10 + size + (10 if b[3] == 4 and b[5] & 0x10 else 0)


BITRATES = {  # (mpeg1, layer) -> kbit/s by index
    (True, 3): [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    (False, 3): [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}


def frame_length(h):
    bits = struct.unpack(">I", h)[0]
    version = (bits >> 19) & 3
    mpeg1 = version == 3
    rate = [44100, 48000, 32000][(bits >> 10) & 3] >> (0 if mpeg1 else 1 if version == 2 else 2)
    kbps = BITRATES[(mpeg1, 3)][(bits >> 12) & 15]
    spf = 1152 if mpeg1 else 576
    return spf // 8 * kbps * 1000 // rate + ((bits >> 9) & 1)


def mp3_cut(data, frames, keep_tag=True):
    """The ID3v2 tag (when keep_tag) and the first `frames` whole frames; a Xing or
    Info header's frame and byte counts are set to what is left."""
    tag = id3_size(data)
    out = bytearray(data[:tag] if keep_tag else b"")
    pos = tag
    first = len(out)
    for _ in range(frames):
        n = frame_length(data[pos:pos + 4])
        out += data[pos:pos + n]
        pos += n
    frame0 = bytes(out[first:first + frame_length(out[first:first + 4])])
    for magic in (b"Xing", b"Info"):
        at = frame0.find(magic)
        if at >= 0:
            flags = struct.unpack(">I", frame0[at + 4:at + 8])[0]
            o = first + at + 8
            if flags & 1:
                out[o:o + 4] = struct.pack(">I", frames - 1)
                o += 4
            if flags & 2:
                out[o:o + 4] = struct.pack(">I", len(out) - first)
            break
    return bytes(out)


def mp3_frame(b1, b2, b3, fill=b"\0"):
    h = bytes([0xFF, b1, b2, b3])
    return h + fill * (frame_length(h) - 4)


def vbri_file():
    # An MPEG-1 Layer III stream whose first frame holds a VBRI header (Fraunhofer):
    # 32 bytes after the side information, then version, delay, quality, bytes, frames.
    first = bytearray(mp3_frame(0xFB, 0x90, 0x40))
    vbri = b"VBRI" + struct.pack(">HHHII", 1, 1105, 75, 0, 9) + struct.pack(">HHHH", 0, 1, 2, 1)
    first[36:36 + len(vbri)] = vbri
    frames = bytes(first) + b"".join(mp3_frame(0xFB, 0x90, 0x40) for _ in range(9))
    total = len(frames)
    return frames[:36 + 10] + struct.pack(">I", total) + frames[36 + 14:]


def mp3_seeds():
    return {
        "cbr-info.mp3": mp3_cut(media("cbr.mp3"), 12),
        "vbr-xing-lame.mp3": mp3_cut(media("vbr-xing.mp3"), 12),
        "vbr-noxing.mp3": mp3_cut(media("vbr-noxing.mp3"), 16),
        "chapters.mp3": mp3_cut(media("chapters.mp3"), 8),
        "untagged-cbr.mp3": mp3_cut(media("cbr.mp3"), 10, keep_tag=False),
        "untagged-vbr.mp3": mp3_cut(media("vbr-noxing.mp3"), 12, keep_tag=False),
        "mpeg1-stereo.mp3": b"".join(mp3_frame(0xFB, 0x50, 0x40) for _ in range(6)),
        "mpeg1-mono-padded.mp3": b"".join(mp3_frame(0xFB, 0x92, 0xC0) for _ in range(6)),
        "mpeg25.mp3": b"".join(mp3_frame(0xE3, 0x40, 0xC0) for _ in range(6)),
        "vbri.mp3": vbri_file(),
        "id3v1.mp3": mp3_cut(media("vbr-xing.mp3"), 6, keep_tag=False) + media("vbr-xing.mp3")[-128:],
    }


# ---- MP4 -----------------------------------------------------------------------

def mp4_small(data):
    """Top-level boxes with each mdat emptied (8 bytes): the readers never look inside."""
    out = b""
    i = 0
    while i + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[i:i + 8])
        if size == 1:
            size = struct.unpack(">Q", data[i + 8:i + 16])[0]
        elif size == 0:
            size = len(data) - i
        out += struct.pack(">I4s", 8, kind) if kind == b"mdat" else data[i:i + size]
        i += size
    return out


def mp4_seeds():
    return {name: mp4_small(media(name)) for name in ("aac.m4a", "alac.m4a", "m4b.m4b", "video.mp4", "video.mov")}


# ---- FLAC, Ogg, WAV, AIFF ---------------------------------------------------------

def flac_small(data, audio_bytes=256):
    i = 4
    while True:
        header = data[i]
        i += 4 + int.from_bytes(data[i + 1:i + 4], "big")
        if header & 0x80:
            break
    return data[:i + audio_bytes]


def vorbis_comment(fields):
    body = struct.pack("<I", 8) + b"podsmith" + struct.pack("<I", len(fields))
    for field in fields:
        raw = field.encode("utf-8")
        body += struct.pack("<I", len(raw)) + raw
    return body


def flac_with_comment(data, fields):
    """The FLAC file with its VORBIS_COMMENT block replaced by one holding `fields`."""
    out = data[:4]
    i = 4
    while True:
        header = data[i]
        length = int.from_bytes(data[i + 1:i + 4], "big")
        block = data[i + 4:i + 4 + length]
        if header & 0x7F == 4:
            block = vorbis_comment(fields)
        out += bytes([header]) + len(block).to_bytes(3, "big") + block
        i += 4 + length
        if header & 0x80:
            break
    return out + data[i:]


def ogg_small(data, pages):
    """The first `pages` pages, the last one flagged as the stream's end."""
    out = b""
    i = 0
    for n in range(pages):
        segments = data[i + 26]
        size = 27 + segments + sum(data[i + 27:i + 27 + segments])
        page = bytearray(data[i:i + size])
        if n == pages - 1:
            page[5] |= 4
            page[22:26] = b"\0\0\0\0"  # its CRC no longer matches; no reader here checks it
        out += page
        i += size
    return out


def wav_small(data, frames=400):
    fmt_size = struct.unpack("<I", data[16:20])[0]
    fmt = data[12:20 + fmt_size]
    channels, rate = struct.unpack("<HI", fmt[10:16])
    bits = struct.unpack("<H", fmt[22:24])[0]
    pcm = data[20 + fmt_size + 8:][:frames * channels * bits // 8]
    body = b"WAVE" + fmt + b"data" + struct.pack("<I", len(pcm)) + pcm
    return b"RIFF" + struct.pack("<I", len(body)) + body


def wav_with_id3(wav, tag):
    chunk = b"ID3 " + struct.pack("<I", len(tag)) + tag + (b"\0" if len(tag) % 2 else b"")
    body = wav[8:] + chunk
    return b"RIFF" + struct.pack("<I", len(body)) + body


def aiff_small(data, frames=400):
    comm = data[12:12 + 8 + 18]
    channels, _, bits = struct.unpack(">HIH", comm[8:16])
    comm = comm[:10] + struct.pack(">I", frames) + comm[14:]
    pcm = data[12 + 26 + 16:][:frames * channels * bits // 8]
    ssnd = b"SSND" + struct.pack(">I", len(pcm) + 8) + b"\0" * 8 + pcm
    body = b"AIFF" + comm + ssnd
    return b"FORM" + struct.pack(">I", len(body)) + body


def container_seeds():
    wav = wav_small(media("wav.wav"))
    return {
        "flac.flac": flac_small(media("flac.flac")),
        "flac-chapters.flac": flac_with_comment(flac_small(media("flac.flac")), [
            "TITLE=Chapters", "CHAPTER001=00:00:00.000", "CHAPTER001NAME=Intro", "CHAPTER002=00:00:01.500",
            "CHAPTER002NAME=Two", "CHAPTER002URL=https://example.org/two"]),
        "vorbis.ogg": ogg_small(media("vorbis.ogg"), 3),
        "opus.opus": ogg_small(media("opus.opus"), 3),
        "wav.wav": wav,
        "wav-id3.wav": wav_with_id3(wav, media("cbr.mp3")[:id3_size(media("cbr.mp3"))]),
        "aiff.aiff": aiff_small(media("aiff.aiff")),
    }


# ---- Images --------------------------------------------------------------------

def png_from_flac():
    data = media("flac.flac")
    at = data.find(b"\x89PNG")
    end = data.find(b"IEND", at) + 8
    return data[at:end]


def image_seeds():
    jpeg_header = (b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
                   b"\xFF\xC0\x00\x11\x08\x00\x40\x00\x30\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
                   b"\xFF\xD9")
    gif = b"GIF89a" + struct.pack("<HH", 32, 16) + b"\x00\x00\x00" + b"\x2C" + struct.pack("<HHHH", 0, 0, 32, 16) + b"\x00\x02\x02\x44\x01\x00\x3B"
    bmp_info = struct.pack("<IiiHHIIiiII", 40, 4, 2, 1, 24, 0, 32, 2835, 2835, 0, 0)
    bmp = b"BM" + struct.pack("<IHHI", 14 + 40 + 32, 0, 0, 54) + bmp_info + b"\0" * 32
    return {
        "cover.png": png_from_flac(),
        "header.jpg": jpeg_header,
        "channel8-head.jpg": read("media/artwork/channel8.jpg")[:2048],
        "tiny.gif": gif,
        "tiny.bmp": bmp,
        "webp": b"RIFF" + struct.pack("<I", 20) + b"WEBPVP8 " + b"\0" * 12,
    }


# ---- Text inputs ---------------------------------------------------------------

def sidecars():
    return {os.path.basename(p): read(os.path.relpath(p, ROOT)) for p in sorted(glob.glob(os.path.join(ROOT, "media", "*.md")))}


FRONT_MATTER_EXTRA = {
    "remote.md": """+++
title = "Imported"
guid = "https://old-host.example.com/ep1.mp3"
date = 2006-01-12T09:30:00-08:00
media = "https://old-host.example.com/ep1.mp3"
length = 12345678
media_type = "audio/mpeg"
duration = "01:02:05.5"
notes_format = "html"
image = "../art/cover.jpg"
chapters = "ep1.chapters.txt"
transcripts = ["ep1.vtt", "https://example.org/ep1.srt"]

[[transcripts]]
path = "ep1.json"
type = "application/json"
language = "en"
rel = "captions"
+++
<p>Notes</p>
""",
    "escape.md": '+++\nguid = "x"\ndate = 2006-01-12T09:30:00Z\nmedia = "../../../etc/passwd"\n+++\n',
}


def chapters_seeds():
    return {
        "example.chapters.txt": """# chapters
00:00:00 Intro
12:30 Topic one
1:02:03.500 Topic two <https://example.com/two>
""",
        "crlf-bom.chapters.txt": "\ufeff0:00 First\r\n0:10.5 Second <http://example.org/>\r\n",
        "channel8.json": read("feeds/channel8/chapters/2006-01-mvp-award-beginnings.json"),
        "toc.json": '{"version":"1.2.0","chapters":[{"startTime":5,"title":"B","toc":false},'
                    '{"startTime":0.5,"endTime":3,"title":"A","img":"https://e.org/a.jpg","url":null}]}',
    }


def transcript_seeds():
    out = {os.path.basename(p): read(os.path.relpath(p, ROOT)) for p in sorted(glob.glob(os.path.join(ROOT, "media", "*.vtt")))}
    out["cues.srt"] = "1\n00:00:01,000 --> 00:00:04,500\nHello\n\n2\n00:00:05,000 --> 00:00:06,000\nAgain\n"
    out["bom.srt"] = "\ufeff\r\n\r\n1\r\n00:00:00,000 --> 00:00:01,000\r\nHi\r\n"
    out["segments.json"] = '{"version":"1.0.0","segments":[{"startTime":0,"endTime":1,"body":"Hi"}]}'
    out["page.html"] = "<html><body><p>Hello</p></body></html>"
    return out


DATES = [
    "2006-01-12T09:30:00-08:00", "2006-01-12t09:30:00.250Z", "2024-02-29 23:59:60+14:00",
    "Thu, 12 Jan 2006 09:30:00 -0800", "12 Jan 06 09:30 PST", "Thursday, 12-Jan-2006 09:30:00 GMT+0100",
    "Jan 12, 2006 9:30:00 PM EST", "Thu Jan 12 09:30:00 2006", "12 Sept 2006 09:30:00 +05:30 (IST)",
    "2006-01-12 09:30", "2006-01-12", "Mon, 1 Mai 0999 00:00 Z",
]

CATEGORIES = [
    "Technology", "Society & Culture/Documentary", "Arts/Documentary", "Politics", "Games & Hobbies",
    "Technology/Podcasting", "TV & Film/After Shows", "en-us", "pt-BR", "zh-Hans", "Tech",
]

NOTES_EXTRA = {
    "html.html": '<div><p>Hi <b>there</b> <a href="javascript:alert(1)" onclick="x()">link</a></p>'
                 '<script>alert(1)</script><ul><li>one<li>two</ul><img src=x><table><tr><td>cell</table>'
                 '<p>&nbsp;</p><pre>  code\n  kept</pre><ol start="3"><li>three</li></ol></div>',
    "markdown.md": "# Title\n\nSome *emphasis* and **strong**, `code`, https://example.org/ and "
                   "mail@example.org.\n\n> quote\n\n- a\n  - nested\n1. one\n\n```\npre\n```\n\n<b>raw</b> &amp; &copy;\n",
}


def rss_seeds():
    out = {}
    for p in sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "feeds", "*.xml"))):
        out[os.path.basename(p)] = read(os.path.relpath(p, ROOT))
    return out


def main():
    mp3 = mp3_seeds()
    mp4 = mp4_seeds()
    containers = container_seeds()
    for name, data in mp3.items():
        write("mpeg_duration", name, data)
    for name in ("cbr-info.mp3", "vbr-xing-lame.mp3", "chapters.mp3"):
        write("id3v2", name.replace(".mp3", ".id3"), mp3[name][:id3_size(mp3[name])])
    for name in ("bad-tags.mp3", "huge-artwork.mp3"):
        data = media(name)
        write("id3v2", name.replace(".mp3", ".id3"), data[:id3_size(data)])
    for name, data in mp4.items():
        write("mp4_boxes", name, data)
    for name, data in containers.items():
        write("container_readers", name, data)
    probe = {"cbr-info.mp3": mp3["cbr-info.mp3"], "chapters.mp3": mp3["chapters.mp3"],
             "vbr-noxing.mp3": mp3["vbr-noxing.mp3"], "aac.m4a": mp4["aac.m4a"], "m4b.m4b": mp4["m4b.m4b"],
             "video.mov": mp4["video.mov"], **containers, "text.m4a": media("text.m4a")}
    for name, data in probe.items():
        write("probe", name, data)
    for name, data in {**mp3, **mp4, **containers}.items():
        write("media_sniff", name, data[:600])
    for name, data in image_seeds().items():
        write("image_info", name, data)
    feed = read("feeds/channel8.toml")
    for name, data in {**sidecars(), **FRONT_MATTER_EXTRA, "channel8.toml": feed}.items():
        write("front_matter", name, data)
    for name, data in chapters_seeds().items():
        write("chapters", name, data)
    for name, data in transcript_seeds().items():
        write("transcripts", name, data)
    for n, text in enumerate(DATES):
        write("dates", "date-%02d" % n, text)
    for n, text in enumerate(CATEGORIES):
        write("categories", "category-%02d" % n, text)
    for name, data in sidecars().items():
        body = data.split(b"+++", 2)[2]
        write("notes", name, body)
    for name, data in NOTES_EXTRA.items():
        write("notes", name, data)
    for name, data in rss_seeds().items():
        write("rss_reader", name, data)


if __name__ == "__main__":
    main()
