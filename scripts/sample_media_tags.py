#!/usr/bin/python3
"""Tags the sample media made by scripts/make-sample-media, and crafts the hostile files.

Called only by that script, one subcommand per job. Everything here is deterministic: no
clocks, no random seeds other than fixed ones, fixed ID3 padding. Uses mutagen (Debian's
python3-mutagen), so it must run under /usr/bin/python3.
"""

import argparse
import random
import struct
import sys
import zlib

from mutagen.id3 import (APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDES, TDRC, TIT2,
                         TIT3, TPE1, TPOS, TRCK, WFED, WXXX, CTOCFlags, PictureType)
from mutagen.mp4 import MP4, MP4Cover

SHOW = "Channel 8"
FEED_URL = "https://channel8.example.org/feeds/channel8.xml"

# Chapter sets: (title, url or None, has_image). Times come from the segment lengths.
CHAPTERS = {
    "mvp": [
        ("Welcome", None, False),
        ("How the MVP Award began", "https://mvp.microsoft.com/", False),
        ("What it means today", None, True),
    ],
    "fixture": [
        ("Opening", None, False),
        ("Links & <Things>", "https://example.org/links?a=1&b=2", False),
        ("Café résumé — 第三章", None, True),
    ],
    "m4b": [
        ("Opening", None, False),
        ("The middle part", None, False),
        ("Ending", None, False),
    ],
}


def ms(samples, rate):
    """Milliseconds, rounded half up, as durations.tsv rounds them."""
    return (samples * 2000 + rate) // (2 * rate)


def chapter_times(rate, segment_samples):
    """(start_ms, end_ms) per segment, from cumulative sample counts."""
    times, total = [], 0
    for n in segment_samples:
        times.append((ms(total, rate), ms(total + n, rate)))
        total += n
    return times


def append_tsv(tsv, path, chapters, times):
    with open(tsv, "a", encoding="utf-8", newline="\n") as out:
        for index, ((title, url, _), (start, end)) in enumerate(zip(chapters, times), 1):
            out.write(f"{path}\t{index}\t{start}\t{end}\t{title}\t{url or ''}\n")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def save_id3(tags, path, version=4, v1=0, padding=0):
    tags.save(path, v2_version=version, v1=v1, padding=lambda info: padding)


def id3_chapters(tags, set_name, rate, segment_samples, image):
    chapters = CHAPTERS[set_name]
    times = chapter_times(rate, segment_samples)
    ids = [f"chp{i}" for i in range(1, len(chapters) + 1)]
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                  child_element_ids=ids, sub_frames=[TIT2(encoding=3, text=["Chapters"])]))
    for cid, (title, url, has_image), (start, end) in zip(ids, chapters, times):
        sub = [TIT2(encoding=3, text=[title])]
        if url:
            sub.append(WXXX(encoding=3, desc="", url=url))
        if has_image:
            sub.append(APIC(encoding=3, mime="image/png", type=PictureType.OTHER,
                            desc="Chapter image", data=read(image)))
        tags.add(CHAP(element_id=cid, start_time=start, end_time=end,
                      start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF, sub_frames=sub))
    return times


def cmd_mvp_episode(a):
    tags = ID3()
    tags.add(TIT2(encoding=3, text=["How the MVP Award Began"]))
    tags.add(TPE1(encoding=3, text=[SHOW]))
    tags.add(TALB(encoding=3, text=[SHOW]))
    tags.add(TIT3(encoding=3, text=["Ed Hickey and Brian Boston on where the MVP program came from"]))
    tags.add(TDES(encoding=3, text=[
        "Before the web took off, much of the technical help people found came from "
        "volunteers answering questions in CompuServe forums. Guests Ed Hickey and Brian "
        "Boston join Channel 8 to talk about how Microsoft began recognising those "
        "volunteers in the early 1990s, and what the Most Valuable Professional award "
        "means for student developers today."]))
    tags.add(WFED(url=FEED_URL))
    tags.add(TCON(encoding=3, text=["Podcast"]))
    tags.add(TDRC(encoding=3, text=["2006"]))
    tags.add(TRCK(encoding=3, text=["1"]))
    tags.add(APIC(encoding=3, mime="image/jpeg", type=PictureType.COVER_FRONT,
                  desc="Cover", data=read(a.cover)))
    times = id3_chapters(tags, "mvp", a.rate, a.samples, a.image)
    save_id3(tags, a.file, padding=1024)
    append_tsv(a.tsv, a.path, CHAPTERS["mvp"], times)


def cmd_chapters_fixture(a):
    tags = ID3()
    tags.add(TIT2(encoding=3, text=["Chapter fixture"]))
    tags.add(TPE1(encoding=3, text=["podsmith tests"]))
    times = id3_chapters(tags, "fixture", a.rate, a.samples, a.image)
    save_id3(tags, a.file)
    append_tsv(a.tsv, a.path, CHAPTERS["fixture"], times)


def ffmeta_escape(s):
    for c in "\\=;#\n":
        s = s.replace(c, "\\" + c)
    return s


def cmd_m4b_meta(a):
    """Writes an FFMETADATA1 file with the m4b's chapters (time base 1/1000)."""
    chapters = CHAPTERS["m4b"]
    times = chapter_times(a.rate, a.samples)
    with open(a.out, "w", encoding="utf-8", newline="\n") as out:
        out.write(";FFMETADATA1\n")
        for (title, _, _), (start, end) in zip(chapters, times):
            out.write(f"[CHAPTER]\nTIMEBASE=1/1000\nSTART={start}\nEND={end}\n"
                      f"title={ffmeta_escape(title)}\n")
    append_tsv(a.tsv, a.path, chapters, times)


def cmd_mp3(a):
    """Plain (non-chaptered) ID3 tags for the simple MP3s."""
    tags = ID3()
    version, v1, padding = 4, 0, 0
    if a.kind == "cbr":
        tags.add(TIT2(encoding=3, text=['Tom & Jerry <Live> "Special"']))
        tags.add(TPE1(encoding=3, text=["Zoë Ångström — 東京"]))
        tags.add(TALB(encoding=3, text=["Cafés & Crème"]))
        tags.add(COMM(encoding=3, lang="eng", desc="", text=['a < b > c & "d"']))
        tags.add(TCON(encoding=3, text=["Podcast"]))
        tags.add(TDRC(encoding=3, text=["2024"]))
        tags.add(TRCK(encoding=3, text=["3/10"]))
        tags.add(TPOS(encoding=3, text=["1/2"]))
    elif a.kind == "vbr-xing":
        # ID3v2.3 plus an ID3v1 tag at the end, for variety.
        version, v1 = 3, 2
        tags.add(TIT2(encoding=1, text=["VBR with Xing header"]))
        tags.add(TPE1(encoding=1, text=["podsmith tests"]))
        tags.add(TALB(encoding=1, text=["Fixtures"]))
        tags.add(TDRC(encoding=1, text=["2024"]))
        tags.add(TRCK(encoding=1, text=["1"]))
    elif a.kind in ("vbr-noxing", "vbr-noxing-silence"):
        tags.add(TIT2(encoding=3, text=["VBR without Xing header" +
                                        (", silent start" if a.kind.endswith("silence") else "")]))
        tags.add(TPE1(encoding=3, text=["podsmith tests"]))
    elif a.kind == "episode3":
        # A plain ID3v2.3 tag, as many older podcast tools wrote.
        version, padding = 3, 512
        tags.add(TIT2(encoding=1, text=["Start a Student User Group"]))
        tags.add(TPE1(encoding=1, text=[SHOW]))
        tags.add(TALB(encoding=1, text=[SHOW]))
        tags.add(TCON(encoding=1, text=["Podcast"]))
        tags.add(TDRC(encoding=1, text=["2006"]))
        tags.add(TRCK(encoding=1, text=["3"]))
        tags.add(COMM(encoding=1, lang="eng", desc="", text=[
            "A short idea for your campus: start a student developer group."]))
    else:
        sys.exit(f"unknown mp3 kind {a.kind}")
    save_id3(tags, a.file, version=version, v1=v1, padding=padding)


def cmd_mp4(a):
    f = MP4(a.file)
    if f.tags is None:
        f.add_tags()
    t = f.tags
    if a.kind == "episode2":
        t["\xa9nam"] = ["Free Tools for Student Developers"]
        t["\xa9ART"] = [SHOW]
        t["\xa9alb"] = [SHOW]
        t["desc"] = ["A quick tip: free editions of the developer tools are all you need "
                     "to start writing, running and debugging real programs."]
        t["\xa9day"] = ["2006"]
        t["trkn"] = [(2, 3)]
        t["\xa9gen"] = ["Podcast"]
    elif a.kind == "aac":
        t["\xa9nam"] = ["Ünïcödé — タイトル & <AAC>"]
        t["\xa9ART"] = ["Zoë Ångström"]
        t["\xa9alb"] = ["Fixtures"]
        t["desc"] = ["AAC in MP4 with non-ASCII tags"]
        t["\xa9day"] = ["2024"]
        t["trkn"] = [(1, 2)]
    elif a.kind == "alac":
        t["\xa9nam"] = ["ALAC in MP4"]
        t["\xa9ART"] = ["podsmith tests"]
    elif a.kind == "m4b":
        t["\xa9nam"] = ["Audiobook-style chapters"]
        t["\xa9ART"] = ["podsmith tests"]
        t["\xa9alb"] = ["Fixtures"]
        t["\xa9gen"] = ["Audiobook"]
    elif a.kind == "video":
        t["\xa9nam"] = ["Test pattern video"]
        t["\xa9ART"] = ["podsmith tests"]
    else:
        sys.exit(f"unknown mp4 kind {a.kind}")
    if a.cover:
        t["covr"] = [MP4Cover(read(a.cover), imageformat=MP4Cover.FORMAT_PNG)]
    f.save()


def frame(frame_id, payload):
    """An ID3v2.4 frame: 4-char id, syncsafe size, no flags."""
    return frame_id + syncsafe(len(payload)) + b"\0\0" + payload


def syncsafe(n):
    assert 0 <= n < 1 << 28
    return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])


def strip_id3v2(data):
    if data[:3] == b"ID3":
        s = data[6:10]
        size = (s[0] << 21) | (s[1] << 14) | (s[2] << 7) | s[3]
        return data[10 + size:]
    return data


def cmd_bad_tags(a):
    audio = strip_id3v2(read(a.audio))
    frames = (
        # UTF-8 (encoding 3) that is not UTF-8, with control characters.
        frame(b"TIT2", b"\x03Bad \xff\xfe\xc3 title \x01\x07\x1b end")
        # Latin-1 (encoding 0) with control characters but no NUL.
        + frame(b"TPE1", b"\x00Artist\x01 with \x1f controls\x7f")
        + frame(b"TALB", b"\x03Album is fine")
    )
    header = b"ID3\x04\x00\x00" + syncsafe(len(frames))
    with open(a.out, "wb") as out:
        out.write(header + frames + audio)


def cmd_big_comment(a):
    """A COMM frame whose body is exactly 1 MiB."""
    body_size = 1 << 20
    # Encoding byte, 3-byte language, empty description + NUL, text, and the NUL that
    # mutagen writes after the (last) text value.
    text_size = body_size - 6
    line = "This comment is deliberately huge. podsmith must cap what it reads. "
    text = (line * (text_size // len(line) + 1))[:text_size]
    tags = ID3()
    tags.add(TIT2(encoding=3, text=["Big comment"]))
    tags.add(COMM(encoding=0, lang="eng", desc="", text=[text]))
    save_id3(tags, a.file)
    data = read(a.file)
    assert data.find(b"COMM") > 0
    i = data.find(b"COMM")
    s = data[i + 4:i + 8]
    assert ((s[0] << 21) | (s[1] << 14) | (s[2] << 7) | s[3]) == body_size


def png_chunk(kind, payload):
    return (struct.pack(">I", len(payload)) + kind + payload
            + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))


def cmd_huge_artwork(a):
    """An APIC whose PNG header claims 100000 x 100000 pixels, followed by junk."""
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 6, 0, 0, 0)
    junk = random.Random(7).randbytes(2048)
    png = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + junk
    tags = ID3()
    tags.add(TIT2(encoding=3, text=["Huge artwork"]))
    tags.add(APIC(encoding=3, mime="image/png", type=PictureType.COVER_FRONT,
                  desc="Cover", data=png))
    save_id3(tags, a.file)


def boxes(data, start, end):
    """(type, payload_start, box_end) for the MP4 boxes in data[start:end]."""
    while start + 8 <= end:
        size, kind = struct.unpack(">I4s", data[start:start + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", data[start + 8:start + 16])[0], 16
        elif size == 0:
            size = end - start
        yield kind, start + header, start + size
        start += size


def child(data, start, end, *path):
    for kind, body, box_end in boxes(data, start, end):
        if kind == path[0]:
            return (body, box_end) if len(path) == 1 else child(data, body, box_end, *path[1:])
    return None


def cmd_mp4_samples(a):
    """Prints the first audio track's length in samples as the container declares it:
    the sum of its stts durations minus the edit list's media_time (the encoder priming).

    ffmpeg 5.1 skips the priming when decoding but still outputs the whole last AAC frame,
    so a full decode is up to 1023 samples too long; make-sample-media caps it with this.
    """
    data = read(a.file)
    moov = child(data, 0, len(data), b"moov")
    for kind, body, end in boxes(data, *moov):
        if kind != b"trak":
            continue
        hdlr = child(data, body, end, b"mdia", b"hdlr")
        if data[hdlr[0] + 8:hdlr[0] + 12] != b"soun":
            continue
        stts = child(data, body, end, b"mdia", b"minf", b"stbl", b"stts")
        count = struct.unpack(">I", data[stts[0] + 4:stts[0] + 8])[0]
        total = sum(n * d for n, d in (struct.unpack(">II", data[stts[0] + 8 + 8 * i:stts[0] + 16 + 8 * i])
                                       for i in range(count)))
        elst = child(data, body, end, b"edts", b"elst")
        if elst:
            version = data[elst[0]]
            if version == 1:
                media_time = struct.unpack(">q", data[elst[0] + 16:elst[0] + 24])[0]
            else:
                media_time = struct.unpack(">i", data[elst[0] + 12:elst[0] + 16])[0]
            if media_time > 0:
                total -= media_time
        print(total)
        return
    sys.exit(f"{a.file}: no audio track")


def cmd_random(a):
    with open(a.out, "wb") as out:
        out.write(random.Random(42).randbytes(a.size))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("mvp-episode")
    s.add_argument("file"); s.add_argument("--path", required=True)
    s.add_argument("--cover", required=True); s.add_argument("--image", required=True)
    s.add_argument("--rate", type=int, required=True); s.add_argument("--tsv", required=True)
    s.add_argument("samples", type=int, nargs=3)
    s.set_defaults(fn=cmd_mvp_episode)

    s = sub.add_parser("chapters-fixture")
    s.add_argument("file"); s.add_argument("--path", required=True)
    s.add_argument("--image", required=True)
    s.add_argument("--rate", type=int, required=True); s.add_argument("--tsv", required=True)
    s.add_argument("samples", type=int, nargs=3)
    s.set_defaults(fn=cmd_chapters_fixture)

    s = sub.add_parser("m4b-meta")
    s.add_argument("out"); s.add_argument("--path", required=True)
    s.add_argument("--rate", type=int, required=True); s.add_argument("--tsv", required=True)
    s.add_argument("samples", type=int, nargs=3)
    s.set_defaults(fn=cmd_m4b_meta)

    s = sub.add_parser("mp3")
    s.add_argument("file"); s.add_argument("kind")
    s.set_defaults(fn=cmd_mp3)

    s = sub.add_parser("mp4")
    s.add_argument("file"); s.add_argument("kind"); s.add_argument("--cover")
    s.set_defaults(fn=cmd_mp4)

    s = sub.add_parser("bad-tags")
    s.add_argument("audio"); s.add_argument("out")
    s.set_defaults(fn=cmd_bad_tags)

    s = sub.add_parser("big-comment")
    s.add_argument("file")
    s.set_defaults(fn=cmd_big_comment)

    s = sub.add_parser("huge-artwork")
    s.add_argument("file")
    s.set_defaults(fn=cmd_huge_artwork)

    s = sub.add_parser("mp4-samples")
    s.add_argument("file")
    s.set_defaults(fn=cmd_mp4_samples)

    s = sub.add_parser("random")
    s.add_argument("out"); s.add_argument("--size", type=int, default=65536)
    s.set_defaults(fn=cmd_random)

    a = p.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
