#!/usr/bin/python3
"""Judge: Debian's python3-feedparser (6.0.x).

    /usr/bin/python3 tests/judges/feedparser_dump.py FEED.xml

Prints ONE normalized JSON document on stdout, with the same schema as
partytime_dump.js (see tests/judges/README.md). Absent values are null, dates
are Unix seconds, durations seconds. Keys that feedparser could not read in this
feed are null and listed in the top-level "unsupported" array as dotted paths
("channel.X", "items.X"); the comparing test skips exactly those.

Exit status: 0 on success (a feed that is not well-formed is still dumped, as
feedparser reads it, with a warning on stderr), 1 when the file can't be read,
2 on bad usage.

Run with /usr/bin/python3: a python3 earlier on PATH may lack Debian's modules.
"""
import calendar
import json
import re
import sys

import feedparser

PODCAST_NS = "https://podcastindex.org/namespace/1.0"

# What feedparser 6.0.x can never give in the schema's shape:
#  - categories: itunes:category is flattened into feed.tags, the hierarchy
#    ("Society & Culture" > "Documentary") is lost;
#  - podcast:funding, podcast:person, podcast:transcript: unknown-namespace
#    elements become one key holding only the LAST occurrence, and an element
#    with attributes keeps only its attributes (its text -- funding message,
#    person name -- is dropped).
ALWAYS_UNSUPPORTED = [
    "channel.categories",
    "channel.funding",
    "channel.persons",
    "items.persons",
    "items.transcripts",
]


def text(v):
    if v is None:
        return None
    if isinstance(v, str):
        return v if v != "" else None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    return None


def number(v):
    """'12' -> 12, '2.5' -> 2.5, anything else -> None."""
    s = text(v)
    if s is None:
        return None
    s = s.strip()
    if re.fullmatch(r"[+-]?\d+", s):
        return int(s)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)", s):
        return float(s)
    return None


def duration_seconds(v):
    """itunes:duration as feedparser gives it (the raw string): 'S', 'M:S' or
    'H:M:S', seconds possibly with a fraction. Converting is ours, not
    feedparser's: it only exposes the text."""
    s = text(v)
    if s is None:
        return None
    parts = s.strip().split(":")
    if not 1 <= len(parts) <= 3:
        return None
    total = 0
    for p in parts:
        n = number(p)
        if n is None or n < 0:
            return None
        total = total * 60 + n
    return total


def unix_seconds(st):
    # feedparser's *_parsed values are time.struct_time in UTC.
    return calendar.timegm(st) if st else None


def explicit(ctx, path, unsupported):
    # feedparser 6.0.x maps 'yes' -> True, 'clean' -> False and anything else
    # (Apple's current 'true'/'false', 'no', absent) -> None.
    v = ctx.get("itunes_explicit")
    if v is True or v is False:
        return v
    if path not in unsupported:
        unsupported.append(path)
    return None


def attr_of(v, key):
    if isinstance(v, dict):
        return text(v.get(key))
    return None


def self_url(links):
    for link in links or []:
        if link.get("rel") == "self":
            return text(link.get("href"))
    return None


def channel_of(feed, pc, unsupported):
    image = feed.get("image") or {}
    publisher = feed.get("publisher_detail") or {}

    locked = feed.get(pc + "_locked")
    if isinstance(locked, str):
        locked = {"yes": True, "no": False}.get(locked.strip().lower())
    else:
        if locked is not None:  # attributes only (owner="..."): the text was dropped
            unsupported.append("channel.locked")
        locked = None

    return {
        "title": text(feed.get("title")),
        "link": text(feed.get("link")),
        # RSS <description>; feedparser treats it as HTML and sanitizes it.
        "description": text(feed.get("subtitle")),
        "language": text(feed.get("language")),
        # itunes:author; NB feedparser lets a later itunes:owner/itunes:name overwrite it.
        "author": text(feed.get("author")),
        "owner_name": text(publisher.get("name")),
        "owner_email": text(publisher.get("email")),
        # itunes:image href or <image><url>, whichever comes last in the feed.
        "image": text(image.get("href")),
        "explicit": explicit(feed, "channel.explicit", unsupported),
        "type": text(feed.get("itunes_type")),
        "categories": None,
        "podcast_guid": text(feed.get(pc + "_guid")),
        "locked": locked,
        "funding": None,
        "persons": None,
        "medium": text(feed.get(pc + "_medium")),
        "new_feed_url": text(feed.get("itunes_new-feed-url")),
        "self_url": self_url(feed.get("links")),
    }


def item_of(entry, pc, unsupported):
    enclosures = entry.get("enclosures") or []
    enc = None
    if enclosures:
        e = enclosures[0]
        enc = {
            "url": text(e.get("href")),
            "length": number(e.get("length")),
            "type": text(e.get("type")),
        }
    image = entry.get("image") or {}
    chapters = entry.get(pc + "_chapters")
    return {
        "title": text(entry.get("title")),
        "guid": text(entry.get("id")),
        "pub_date": unix_seconds(entry.get("published_parsed")),
        "enclosure": enc,
        "duration_s": duration_seconds(entry.get("itunes_duration")),
        "season": number(entry.get("itunes_season")),
        "episode": number(entry.get("itunes_episode")),
        "episode_type": text(entry.get("itunes_episodetype")),
        "explicit": explicit(entry, "items.explicit", unsupported),
        "image": text(image.get("href")) if isinstance(image, dict) else None,
        "link": text(entry.get("link")),
        "persons": None,
        "chapters_url": attr_of(chapters, "url"),
        "chapters_type": attr_of(chapters, "type"),
        "transcripts": None,
        # RSS <description>, or content:encoded when there is none.
        "description": text(entry.get("summary")),
    }


def main(argv):
    if len(argv) != 1:
        print("usage: feedparser_dump.py FEED.xml", file=sys.stderr)
        return 2
    try:
        with open(argv[0], "rb") as f:
            data = f.read()
    except OSError as e:
        print("feedparser_dump: cannot read %s: %s" % (argv[0], e), file=sys.stderr)
        return 1

    d = feedparser.parse(data)
    if d.get("bozo"):
        print("feedparser_dump: warning: %s: %s" % (argv[0], d.get("bozo_exception")), file=sys.stderr)

    # feedparser names keys of namespaces it doesn't know by the document's prefix.
    pc = "podcast"
    for prefix, uri in (d.get("namespaces") or {}).items():
        if uri.rstrip("/") == PODCAST_NS and prefix:
            pc = prefix
            break

    unsupported = list(ALWAYS_UNSUPPORTED)
    out = {
        "judge": "feedparser " + feedparser.__version__,
        "channel": channel_of(d.get("feed") or {}, pc, unsupported),
        "items": [item_of(e, pc, unsupported) for e in d.get("entries") or []],
        "unsupported": sorted(unsupported),
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
