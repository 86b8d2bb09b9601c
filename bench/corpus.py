#!/usr/bin/python3
"""Helper for bench/probe.sh (run with /usr/bin/python3, which has python3-mutagen).

  corpus.py fixture-tags SRC DST [SRC DST ...]
      Copies the tags (and FLAC pictures) of fixture SRC onto the length variant DST.
  corpus.py make --variants VARIANTS.TSV --out DIR N
      Copies the variants round-robin into DIR as N files, gives each its own tags
      (title "Episode <n>", an artist, album, track) and writes DIR/manifest.tsv last.
  corpus.py report --manifest M --run NAME:SECONDS:CPU_SECONDS:RSS_KB:JSON ... [--ratio A/B]
      Checks every run's durations against the references and prints the table.

Everything mutagen does here happens in one process, for speed.
"""
import argparse
import json
import os
import shutil
import sys
from collections import Counter, defaultdict

from mutagen.flac import FLAC
from mutagen.id3 import ID3, TALB, TIT2, TPE1, TRCK
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

# Round-robin order. The VBR MP3 without a Xing header is last, so it is floor(N/7) files.
KINDS = ["cbr", "m4a", "ogg", "opus", "flac", "wav", "vbr-noxing"]
ARTISTS = ["Channel 8", "Zoë Ångström", "Ed Hickey & Brian Boston", "東京 Podcast Club",
           "The <Student> Developers", "Ana María O'Neill"]
ALBUM = "Bench Show"


def kind_of(path):
    name = os.path.basename(path)
    for k in KINDS:
        if name.startswith(k + "-"):
            return k
    raise SystemExit(f"corpus.py: unknown kind for {path}")


def cmd_fixture_tags(a):
    if len(a.pairs) % 2:
        raise SystemExit("fixture-tags: needs SRC DST pairs")
    for src, dst in zip(a.pairs[::2], a.pairs[1::2]):
        kind = kind_of(dst)
        if kind in ("cbr", "vbr-noxing"):
            tags = ID3(src)
            tags.save(dst, v2_version=tags.version[1], v1=0)
        elif kind == "m4a":
            s, d = MP4(src), MP4(dst)
            if d.tags is None:
                d.add_tags()
            for key, value in s.tags.items():
                d.tags[key] = value
            d.save()
        elif kind in ("ogg", "opus", "flac"):
            cls = {"ogg": OggVorbis, "opus": OggOpus, "flac": FLAC}[kind]
            s, d = cls(src), cls(dst)
            if d.tags is None:
                d.add_tags()
            for key in s.tags.keys():
                d.tags[key] = s.tags[key]
            if kind == "flac":
                d.clear_pictures()
                for p in s.pictures:
                    d.add_picture(p)
            d.save()
        elif kind == "wav":
            s = WAVE(src)
            if s.tags is not None:
                d = WAVE(dst)
                d.add_tags()
                for f in s.tags.values():
                    d.tags.add(f)
                d.save()


def set_tags(path, kind, title, artist, track):
    if kind in ("cbr", "vbr-noxing"):
        tags = ID3(path)
        tags.setall("TIT2", [TIT2(encoding=3, text=[title])])
        tags.setall("TPE1", [TPE1(encoding=3, text=[artist])])
        tags.setall("TALB", [TALB(encoding=3, text=[ALBUM])])
        tags.setall("TRCK", [TRCK(encoding=3, text=[str(track)])])
        tags.save(path, v2_version=tags.version[1], v1=0)
    elif kind == "wav":
        f = WAVE(path)
        if f.tags is None:
            f.add_tags()
        f.tags.setall("TIT2", [TIT2(encoding=3, text=[title])])
        f.tags.setall("TPE1", [TPE1(encoding=3, text=[artist])])
        f.tags.setall("TALB", [TALB(encoding=3, text=[ALBUM])])
        f.tags.setall("TRCK", [TRCK(encoding=3, text=[str(track)])])
        f.save()
    elif kind == "m4a":
        f = MP4(path)
        if f.tags is None:
            f.add_tags()
        f.tags["©nam"] = [title]
        f.tags["©ART"] = [artist]
        f.tags["©alb"] = [ALBUM]
        f.tags["trkn"] = [(track, 0)]
        f.save()
    else:
        f = {"ogg": OggVorbis, "opus": OggOpus, "flac": FLAC}[kind](path)
        if f.tags is None:
            f.add_tags()
        f.tags["title"] = [title]
        f.tags["artist"] = [artist]
        f.tags["album"] = [ALBUM]
        f.tags["tracknumber"] = [str(track)]
        f.save()


def read_variants(path):
    """{kind: [(file, ref_ms), ...]} ordered by length index."""
    variants = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            kind, k, file, samples, rate, ref_ms = line.rstrip("\n").split("\t")
            variants[kind].append((int(k), file, int(ref_ms)))
    return {kind: [(file, ms) for _, file, ms in sorted(v)] for kind, v in variants.items()}


def cmd_make(a):
    variants = read_variants(a.variants)
    os.makedirs(a.out, exist_ok=True)
    width = max(5, len(str(a.n)))
    rows = []
    for i in range(a.n):
        kind = KINDS[i % len(KINDS)]
        lengths = variants[kind]
        src, ref_ms = lengths[(i // len(KINDS)) % len(lengths)]
        ext = os.path.splitext(src)[1]
        dst = os.path.join(a.out, f"{i:0{width}d}-{kind}{ext}")
        shutil.copyfile(src, dst)
        title = f"Episode {i + 1}"
        artist = ARTISTS[(i * 7 + i // 7) % len(ARTISTS)]
        set_tags(dst, kind, title, artist, i + 1)
        rows.append((dst, kind, os.path.basename(src), ref_ms, title, artist))
    tmp = os.path.join(a.out, "manifest.tsv.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("path\tkind\tvariant\tref_ms\ttitle\tartist\n")
        for r in rows:
            f.write("\t".join(map(str, r)) + "\n")
    os.replace(tmp, os.path.join(a.out, "manifest.tsv"))


def load_json_arrays(path):
    """Objects from one JSON array, or several printed one after another (xargs)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    dec, pos, out = json.JSONDecoder(), 0, []
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return out
        arr, pos = dec.raw_decode(text, pos)
        out.extend(arr)


def cmd_report(a):
    manifest = {}
    with open(a.manifest, encoding="utf-8") as f:
        next(f)
        for line in f:
            path, kind, variant, ref_ms, title, artist = line.rstrip("\n").split("\t")
            manifest[path] = dict(kind=kind, variant=variant, ref_ms=int(ref_ms),
                                  title=title, artist=artist)
    n = len(manifest)
    rows, notes, files_per_s, cpu_s = [], [], {}, {}
    for spec in a.run:
        name, seconds, cpu, rss_kb, path = spec.split(":", 4)
        seconds, cpu, rss_kb = float(seconds), float(cpu), int(rss_kb)
        objs = load_json_arrays(path)
        exact, errors, warned, missing = 0, [], [], set(manifest)
        sources = Counter()
        off, tag_bad = [], []
        off_by_kind = Counter()
        maxerr_by_kind = defaultdict(int)
        for o in objs:
            p = o.get("path")
            m = manifest.get(p)
            if m is None:
                notes.append(f"{name}: unexpected path in output: {p!r}")
                continue
            missing.discard(p)
            if "error" in o:
                errors.append(f"{p}: {o['error']}")
                continue
            if o.get("warnings"):
                warned.append(f"{p}: {'; '.join(o['warnings'])}")
            if "duration_source" in o:
                sources[(m["kind"], o["duration_source"])] += 1
            d = o.get("duration_ms")
            err = abs(d - m["ref_ms"]) if isinstance(d, (int, float)) else None
            if err is not None and err <= 50:
                exact += 1
            else:
                off.append((p, d, m["ref_ms"]))
                off_by_kind[m["kind"]] += 1
            if err is not None:
                maxerr_by_kind[m["kind"]] = max(maxerr_by_kind[m["kind"]], err)
            tags = o.get("tags") or {}
            if tags.get("title") != m["title"] or tags.get("artist") != m["artist"]:
                tag_bad.append(f"{p}: title={tags.get('title')!r} artist={tags.get('artist')!r}")
        fps = n / seconds if seconds > 0 else float("inf")
        files_per_s[name] = fps
        cpu_s[name] = cpu
        rows.append((name, len(objs), seconds, cpu, fps, rss_kb / 1024, exact))
        if len(objs) != n or missing:
            notes.append(f"{name}: {len(objs)} objects for {n} files; {len(missing)} paths missing")
        notes.append(f"{name}: {len(errors)} errors, {len(warned)} files with warnings, "
                     f"{len(off)} files off by more than 50 ms, {len(tag_bad)} title/artist mismatches")
        kinds = [k for k in KINDS if k in maxerr_by_kind]
        notes.append(f"{name}:   largest |duration - reference| per kind (ms): "
                     + ", ".join(f"{k} {maxerr_by_kind[k]:g}" for k in kinds))
        if sources:
            notes.append(f"{name}:   duration_source by kind: "
                         + ", ".join(f"{k} {src} {c}" for (k, src), c in
                                     sorted(sources.items(), key=lambda x: KINDS.index(x[0][0]))))
        if off_by_kind:
            notes.append(f"{name}:   off by kind: "
                         + ", ".join(f"{k} {off_by_kind[k]}" for k in KINDS if off_by_kind[k]))
        show = a.show_all or name.startswith("podsmith")
        for label, items in (("error", errors), ("warning", warned), ("tags", tag_bad)):
            for line in items[:5 if not show else 20]:
                notes.append(f"{name}:   {label}: {line}")
            if len(items) > (5 if not show else 20):
                notes.append(f"{name}:   ... {len(items) - (5 if not show else 20)} more {label} lines")
        for p, d, ref in off[: (20 if show else 3)]:
            notes.append(f"{name}:   off: {p}: {d} ms, reference {ref} ms")
        if len(off) > (20 if show else 3):
            notes.append(f"{name}:   ... {len(off) - (20 if show else 3)} more off")

    print(f"{'tool':<14} {'files':>6} {'seconds':>8} {'files/s':>9} {'peak RSS MB':>11} "
          f"{'exact (±50 ms)':>15} {'CPU s':>6}")
    for name, count, seconds, cpu, fps, rss_mb, exact in rows:
        print(f"{name:<14} {count:>6} {seconds:>8.3f} {fps:>9.1f} {rss_mb:>11.1f} "
              f"{f'{exact}/{n}':>15} {cpu:>6.3f}")
    for ratio in a.ratio or []:
        x, y = ratio.split("/")
        print(f"speed ratio {x}/{y} (files/s): {files_per_s[x] / files_per_s[y]:.1f}x"
              f"   (CPU time {y}/{x}: {cpu_s[y] / cpu_s[x]:.1f}x)")
    print()
    kinds = Counter(m["kind"] for m in manifest.values())
    print("corpus: " + ", ".join(f"{k} {kinds[k]}" for k in KINDS))
    for line in notes:
        print(line)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("fixture-tags")
    s.add_argument("pairs", nargs="+")
    s.set_defaults(fn=cmd_fixture_tags)
    s = sub.add_parser("make")
    s.add_argument("--variants", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("n", type=int)
    s.set_defaults(fn=cmd_make)
    s = sub.add_parser("report")
    s.add_argument("--manifest", required=True)
    s.add_argument("--run", action="append", required=True)
    s.add_argument("--ratio", action="append")
    s.add_argument("--show-all", action="store_true")
    s.set_defaults(fn=cmd_report)
    a = p.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
