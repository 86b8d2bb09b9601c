#!/usr/bin/python3
"""The mutagen side of bench/probe.sh: reads what `podsmith probe --json` reads, as far as
mutagen can, and prints one JSON array with an object per file, in the order given.

  /usr/bin/python3 bench/mutagen_probe.py FILE...

Per file: duration_ms (round(mutagen.File(path).info.length * 1000)), bitrate_kbps,
sample_rate_hz, channels, size_bytes, tags (title, artist, album, album_artist, comment,
genre, date, track, track_total, disc, disc_total, subtitle, description, podcast_url),
artwork (mime type and size of each embedded picture; images are not decoded) and
chapters (ID3 CHAP, MP4 Nero chapters). A file mutagen cannot read gets "error".
Single process, one file at a time, like a plain mutagen script would be.
"""
import base64
import json
import os
import sys

import mutagen
from mutagen.flac import Picture
from mutagen.id3 import ID3Tags
from mutagen.mp4 import MP4Tags

ID3_TEXT = {"TIT2": "title", "TPE1": "artist", "TALB": "album", "TPE2": "album_artist",
            "TCON": "genre", "TDRC": "date", "TIT3": "subtitle", "TDES": "description",
            "WFED": "podcast_url"}
MP4_TEXT = {"©nam": "title", "©ART": "artist", "©alb": "album", "aART": "album_artist",
            "©cmt": "comment", "©gen": "genre", "©day": "date", "desc": "description",
            "ldes": "description", "purl": "podcast_url"}
VORBIS_TEXT = {"title": "title", "artist": "artist", "album": "album",
               "albumartist": "album_artist", "comment": "comment", "description": "comment",
               "genre": "genre", "date": "date", "subtitle": "subtitle"}


def number_pair(text, out, key, total_key):
    num, _, total = str(text).partition("/")
    if num.strip().isdigit():
        out[key] = int(num)
    if total.strip().isdigit():
        out[total_key] = int(total)


def from_id3(t, out):
    tags, artwork, chapters = {}, [], []
    for frame_id, key in ID3_TEXT.items():
        frames = t.getall(frame_id)
        if frames and key not in tags:
            tags[key] = str(frames[0].url if frame_id == "WFED" and hasattr(frames[0], "url")
                            else frames[0].text[0])
    comm = t.getall("COMM")
    if comm and comm[0].text:
        tags["comment"] = comm[0].text[0]
    for frame_id, key in (("TRCK", "track"), ("TPOS", "disc")):
        frames = t.getall(frame_id)
        if frames and frames[0].text:
            number_pair(frames[0].text[0], tags, key, key + "_total")
    for apic in t.getall("APIC"):
        artwork.append({"mime_type": apic.mime, "size_bytes": len(apic.data), "kind": int(apic.type)})
    for chap in sorted(t.getall("CHAP"), key=lambda c: c.start_time):
        c = {"id": chap.element_id, "start_ms": chap.start_time, "end_ms": chap.end_time}
        titles = chap.sub_frames.getall("TIT2")
        if titles:
            c["title"] = str(titles[0].text[0])
        chapters.append(c)
    out.update(tags=tags, artwork=artwork, chapters=chapters)


def from_mp4(f, t, out):
    tags, artwork, chapters = {}, [], []
    for atom, key in MP4_TEXT.items():
        if atom in t and key not in tags:
            tags[key] = str(t[atom][0])
    for atom, key in (("trkn", "track"), ("disk", "disc")):
        if atom in t and t[atom]:
            num, total = t[atom][0]
            if num:
                tags[key] = num
            if total:
                tags[key + "_total"] = total
    for cover in t.get("covr", []):
        artwork.append({"mime_type": "image/png" if cover.imageformat == cover.FORMAT_PNG
                        else "image/jpeg", "size_bytes": len(cover)})
    for ch in getattr(f, "chapters", None) or []:
        chapters.append({"start_ms": round(ch.start * 1000), "title": ch.title})
    out.update(tags=tags, artwork=artwork, chapters=chapters)


def from_vorbis(f, t, out):
    tags, artwork = {}, []
    for name, key in VORBIS_TEXT.items():
        if name in t and key not in tags:
            tags[key] = t[name][0]
    for name, key, total in (("tracknumber", "track", "tracktotal"),
                             ("discnumber", "disc", "disctotal")):
        if name in t:
            number_pair(t[name][0], tags, key, key + "_total")
        if total in t and t[total][0].isdigit():
            tags[key + "_total"] = int(t[total][0])
    for p in getattr(f, "pictures", []):
        artwork.append({"mime_type": p.mime, "size_bytes": len(p.data), "kind": p.type})
    for b64 in t.get("metadata_block_picture", []):
        try:
            p = Picture(base64.b64decode(b64))
            artwork.append({"mime_type": p.mime, "size_bytes": len(p.data), "kind": p.type})
        except Exception:
            pass
    out.update(tags=tags, artwork=artwork, chapters=[])


def probe(path):
    out = {"path": path}
    try:
        f = mutagen.File(path)
    except Exception as e:  # mutagen raises its own errors and OSError
        out["error"] = f"{type(e).__name__}: {e}"
        return out
    if f is None:
        out["error"] = "unsupported"
        return out
    info = f.info
    out["duration_ms"] = round(info.length * 1000)
    out["bitrate_kbps"] = round(getattr(info, "bitrate", 0) / 1000)
    out["sample_rate_hz"] = getattr(info, "sample_rate", 0)
    out["channels"] = getattr(info, "channels", 0)
    out["size_bytes"] = os.path.getsize(path)
    t = f.tags
    if isinstance(t, ID3Tags):
        from_id3(t, out)
    elif isinstance(t, MP4Tags):
        from_mp4(f, t, out)
    elif t is not None and hasattr(t, "vendor"):  # Vorbis comments (Ogg, FLAC)
        from_vorbis(f, t, out)
    else:
        out.update(tags={}, artwork=[], chapters=[])
    return out


def main():
    w = sys.stdout.write
    w("[\n")
    for i, path in enumerate(sys.argv[1:]):
        if i:
            w(",\n")
        w(json.dumps(probe(path), ensure_ascii=False))
    w("\n]\n")


if __name__ == "__main__":
    main()
