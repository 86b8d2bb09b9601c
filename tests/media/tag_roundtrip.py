#!/usr/bin/python3
"""Reads back what podsmith's tag writer wrote, with readers that are not podsmith's:
eyeD3 (MP3), mutagen (every format) and ffprobe (the chapters and the main tags).

  tag_roundtrip.py EXPECTED.json MEDIA...

EXPECTED.json holds what every MEDIA file must say:
  {"title", "artist", "album", "date": "2024-05-01", "comment", "genre", "track",
   "artwork": "path of the image embedded as it is" (or null),
   "feed_url", "guid", "podcast": true,
   "chapters": [{"start_ms", "end_ms", "title", "url", "image": path or null}]}
Prints one line per failed check and exits 1 when there is one; 0 when all agree.
Run by tests/media/tag_writer_test.cpp with /usr/bin/python3 (Debian's modules).
"""
import json
import subprocess
import sys

import eyed3
import mutagen
import mutagen.id3
from mutagen.flac import FLAC
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

failures = []


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def ffprobe(path):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-show_format", "-show_streams", "-of", "json", path],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def check_ffprobe(path, want):
    data = ffprobe(path)
    chapters = data.get("chapters", [])
    check(f"{path}: ffprobe chapter count", len(chapters), len(want["chapters"]))
    for i, (got, exp) in enumerate(zip(chapters, want["chapters"])):
        check(f"{path}: ffprobe chapter {i + 1} title", got.get("tags", {}).get("title"), exp["title"])
        check(f"{path}: ffprobe chapter {i + 1} start", round(float(got["start_time"]) * 1000), exp["start_ms"])
        if want["format"] == "mp3" or i + 1 < len(chapters):
            # Nero and Vorbis-comment chapters have no end: ffmpeg ends the last
            # one at the file's duration.
            check(f"{path}: ffprobe chapter {i + 1} end", round(float(got["end_time"]) * 1000), exp["end_ms"])
    # Ogg keeps the comments on the stream, the other formats on the file.
    tags = {k.lower(): v for k, v in data["format"].get("tags", {}).items()}
    if want["format"] == "xiph" and "title" not in tags:
        tags = {k.lower(): v for k, v in data["streams"][0].get("tags", {}).items()}
    check(f"{path}: ffprobe title", tags.get("title"), want["title"])
    check(f"{path}: ffprobe artist", tags.get("artist"), want["artist"])
    check(f"{path}: ffprobe album", tags.get("album"), want["album"])
    check(f"{path}: ffprobe genre", tags.get("genre"), want["genre"])


def check_eyed3(path, want):
    audio = eyed3.load(path)
    tag = audio.tag
    check(f"{path}: eyeD3 version", tag.version, (2, 3, 0))
    check(f"{path}: eyeD3 title", tag.title, want["title"])
    check(f"{path}: eyeD3 artist", tag.artist, want["artist"])
    check(f"{path}: eyeD3 album", tag.album, want["album"])
    # eyeD3 0.9.7 parses TDAT (DDMM) as a date of its own and drops it when that
    # fails, so it reads a day 01-09 as no date at all: the tests use a later day.
    date = tag.getBestDate()
    check(f"{path}: eyeD3 date", str(date) if date else None, want["date"])
    check(f"{path}: eyeD3 comment", [c.text for c in tag.comments], [want["comment"]])
    check(f"{path}: eyeD3 genre", tag.genre.name if tag.genre else None, want["genre"])
    check(f"{path}: eyeD3 track", tag.track_num[0], want["track"])
    if want["artwork"]:
        images = [(i.picture_type, i.mime_type, i.image_data) for i in tag.images]
        check(f"{path}: eyeD3 cover", images,
              [(eyed3.id3.frames.ImageFrame.FRONT_COVER, want["artwork_mime"], read_bytes(want["artwork"]))])
    toc = list(tag.table_of_contents)
    check(f"{path}: eyeD3 CTOC count", len(toc), 1 if want["chapters"] else 0)
    ids = []
    if toc:
        check(f"{path}: eyeD3 CTOC top-level", toc[0].toplevel, True)
        check(f"{path}: eyeD3 CTOC ordered", toc[0].ordered, True)
        ids = [i.decode() for i in toc[0].child_ids]
    chapters = {c.element_id.decode(): c for c in tag.chapters}
    check(f"{path}: eyeD3 CTOC children are the chapters", sorted(ids), sorted(chapters))
    for i, (cid, exp) in enumerate(zip(ids, want["chapters"])):
        chap = chapters[cid]
        check(f"{path}: eyeD3 chapter {i + 1} times", tuple(chap.times), (exp["start_ms"], exp["end_ms"]))
        check(f"{path}: eyeD3 chapter {i + 1} title", chap.title, exp["title"])
        check(f"{path}: eyeD3 chapter {i + 1} url", chap.user_url, exp["url"] or None)
        images = [f.image_data for f in chap.sub_frames.get(b"APIC", [])]
        check(f"{path}: eyeD3 chapter {i + 1} image", images,
              [read_bytes(exp["image"])] if exp["image"] else [])
    # Apple's frames: eyeD3 reads WFED as a text frame, as iTunes writes it.
    check(f"{path}: eyeD3 WFED", [f.text for f in tag.frame_set.get(b"WFED", [])], [want["feed_url"]])
    check(f"{path}: eyeD3 PCST", len(tag.frame_set.get(b"PCST", [])), 1 if want["podcast"] else 0)
    check(f"{path}: eyeD3 TGID", [f.text for f in tag.frame_set.get(b"TGID", [])], [want["guid"]])


def check_mutagen_id3(path, want):
    # translate=False: the frames as stored (v2.3's TYER and TDAT, not merged into TDRC).
    tag = mutagen.id3.ID3(path, translate=False)
    check(f"{path}: mutagen version", tag.version, (2, 3, 0))
    check(f"{path}: mutagen TIT2", tag["TIT2"].text, [want["title"]])
    check(f"{path}: mutagen TPE1", tag["TPE1"].text, [want["artist"]])
    check(f"{path}: mutagen TALB", tag["TALB"].text, [want["album"]])
    year, month, day = want["date"].split("-")
    check(f"{path}: mutagen TYER", [str(t) for t in tag["TYER"].text], [year])
    check(f"{path}: mutagen TDAT (DDMM)", [str(t) for t in tag["TDAT"].text], [day + month])
    check(f"{path}: mutagen TDRC absent (v2.4 only)", "TDRC" in tag, False)
    check(f"{path}: mutagen COMM", [c.text for c in tag.getall("COMM")], [[want["comment"]]])
    check(f"{path}: mutagen TCON", tag["TCON"].genres, [want["genre"]])
    check(f"{path}: mutagen TRCK", tag["TRCK"].text, [str(want["track"])])
    if want["artwork"]:
        check(f"{path}: mutagen APIC", [(p.type, p.mime, p.data) for p in tag.getall("APIC")],
              [(3, want["artwork_mime"], read_bytes(want["artwork"]))])
    tocs = tag.getall("CTOC")
    check(f"{path}: mutagen CTOC count", len(tocs), 1 if want["chapters"] else 0)
    if tocs:
        flags = mutagen.id3.CTOCFlags
        check(f"{path}: mutagen CTOC flags", tocs[0].flags, flags.TOP_LEVEL | flags.ORDERED)
        chaps = {c.element_id: c for c in tag.getall("CHAP")}
        check(f"{path}: mutagen CTOC children", sorted(tocs[0].child_element_ids), sorted(chaps))
        for i, (cid, exp) in enumerate(zip(tocs[0].child_element_ids, want["chapters"])):
            chap = chaps[cid]
            check(f"{path}: mutagen CHAP {i + 1} times", (chap.start_time, chap.end_time),
                  (exp["start_ms"], exp["end_ms"]))
            check(f"{path}: mutagen CHAP {i + 1} TIT2", chap.sub_frames["TIT2"].text, [exp["title"]])
            check(f"{path}: mutagen CHAP {i + 1} WXXX", [f.url for f in chap.sub_frames.getall("WXXX")],
                  [exp["url"]] if exp["url"] else [])
            check(f"{path}: mutagen CHAP {i + 1} APIC", [f.data for f in chap.sub_frames.getall("APIC")],
                  [read_bytes(exp["image"])] if exp["image"] else [])
    check(f"{path}: mutagen PCST", len(tag.getall("PCST")), 1 if want["podcast"] else 0)
    check(f"{path}: mutagen TGID", [f.text for f in tag.getall("TGID")], [[want["guid"]]])
    # mutagen takes WFED for a URL frame and so reads iTunes' text form as empty;
    # read the frame's own bytes instead: the Latin-1 encoding byte, then the URL.
    wfed = mutagen.id3.Frames.pop("WFED")
    try:
        raw = mutagen.id3.ID3(path, translate=False)
        check(f"{path}: WFED bytes (text frame, as iTunes writes it)",
              [bytes(f) for f in raw.unknown_frames if f[:4] == b"WFED"],
              [b"WFED" + (len(want["feed_url"]) + 1).to_bytes(4, "big") + b"\0\0\0" +
               want["feed_url"].encode()])
    finally:
        mutagen.id3.Frames["WFED"] = wfed


def check_mutagen_mp4(path, want):
    audio = MP4(path)
    t = audio.tags
    check(f"{path}: mutagen ©nam", t.get("\xa9nam"), [want["title"]])
    check(f"{path}: mutagen ©ART", t.get("\xa9ART"), [want["artist"]])
    check(f"{path}: mutagen ©alb", t.get("\xa9alb"), [want["album"]])
    check(f"{path}: mutagen ©day", t.get("\xa9day"), [want["date"]])
    check(f"{path}: mutagen ©cmt", t.get("\xa9cmt"), [want["comment"]])
    check(f"{path}: mutagen ©gen", t.get("\xa9gen"), [want["genre"]])
    check(f"{path}: mutagen trkn", t.get("trkn"), [(want["track"], 0)])
    if want["artwork"]:
        check(f"{path}: mutagen covr", [bytes(c) for c in t.get("covr", [])], [read_bytes(want["artwork"])])
    check(f"{path}: mutagen purl", t.get("purl"), [want["feed_url"]])
    check(f"{path}: mutagen pcst", t.get("pcst"), want["podcast"] or None)
    check(f"{path}: mutagen egid", t.get("egid"), [want["guid"]])
    # mutagen reads chpl times in units of the movie timescale / 10000, which is
    # 100 ns only at the usual timescale of 1000.
    check(f"{path}: mutagen chpl", [(round(c.start * 1000), c.title) for c in (audio.chapters or [])],
          [(c["start_ms"], c["title"]) for c in want["chapters"]])


def check_mutagen_xiph(path, want, cls):
    t = cls(path).tags
    check(f"{path}: mutagen TITLE", t.get("title"), [want["title"]])
    check(f"{path}: mutagen ARTIST", t.get("artist"), [want["artist"]])
    check(f"{path}: mutagen ALBUM", t.get("album"), [want["album"]])
    check(f"{path}: mutagen DATE", t.get("date"), [want["date"]])
    check(f"{path}: mutagen COMMENT", t.get("comment"), [want["comment"]])
    check(f"{path}: mutagen GENRE", t.get("genre"), [want["genre"]])
    check(f"{path}: mutagen TRACKNUMBER", t.get("tracknumber"), [str(want["track"])])
    for i, exp in enumerate(want["chapters"]):
        key = f"chapter{i + 1:03d}"
        check(f"{path}: mutagen {key}name", t.get(key + "name"), [exp["title"]])


def main():
    want = json.load(open(sys.argv[1], encoding="utf-8"))
    for path in sys.argv[2:]:
        kind = mutagen.File(path)
        if isinstance(kind, MP4):
            want["format"] = "mp4"
            check_mutagen_mp4(path, want)
        elif isinstance(kind, (OggVorbis, OggOpus, FLAC)):
            want["format"] = "xiph"
            check_mutagen_xiph(path, want, type(kind))
        else:
            want["format"] = "mp3"
            check_eyed3(path, want)
            check_mutagen_id3(path, want)
        check_ffprobe(path, want)
    for line in failures:
        print(line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
