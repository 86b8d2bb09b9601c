#!/usr/bin/python3
"""Compares what feed parsers read (their normalized dumps) with what we meant.

  compare.py EXPECTED.json DUMP.json...   each judge must read every expected value
  compare.py --agree DUMP.json...         judges must agree with each other and read
                                          the fields every podsmith feed has

Keys in a dump's "unsupported" list are skipped for that judge. Exit 1 on any
mismatch, naming the judge, the item guid and the key."""
import html
import json
import re
import sys

problems = []


def text_of(value):
    value = re.sub(r"<[^>]+>", " ", value or "")
    value = html.unescape(html.unescape(value))
    return " ".join(value.split())


def same_list_of_dicts(expected, actual):
    if actual is None or len(expected) != len(actual):
        return False
    for e, a in zip(expected, actual):
        for key, value in e.items():
            if a.get(key) != value:
                return False
    return True


def check(judge, where, key, expected, actual):
    if key.endswith("_contains"):
        field = key[: -len("_contains")]
        if expected not in text_of(actual.get(field)):
            problems.append(f"{judge}: {where}.{field} does not contain {expected!r}: {actual.get(field)!r}")
        return
    value = actual.get(key)
    ok = same_list_of_dicts(expected, value) if isinstance(expected, list) and expected and isinstance(expected[0], dict) else value == expected
    if not ok:
        problems.append(f"{judge}: {where}.{key}: expected {expected!r}, read {value!r}")


def compare_expected(expected, dump):
    judge = dump["judge"]
    unsupported = set(dump.get("unsupported", []))
    for key, value in expected["channel"].items():
        if "channel." + key.replace("_contains", "") in unsupported:
            continue
        check(judge, "channel", key, value, dump["channel"])
    items = {item["guid"]: item for item in dump["items"]}
    if len(dump["items"]) != len(expected["items"]):
        problems.append(f"{judge}: read {len(dump['items'])} items, expected {len(expected['items'])}")
    for want in expected["items"]:
        got = items.get(want["guid"])
        if got is None:
            problems.append(f"{judge}: no item with guid {want['guid']}")
            continue
        for key, value in want.items():
            if "items." + key.replace("_contains", "") in unsupported:
                continue
            check(judge, f"item {want['guid']}", key, value, got)


def compare_agree(dumps):
    required_channel = ["title", "language", "self_url", "podcast_guid"]
    required_item = ["title", "guid", "pub_date", "enclosure", "duration_s"]
    for dump in dumps:
        for key in required_channel:
            if not dump["channel"].get(key) and "channel." + key not in dump.get("unsupported", []):
                problems.append(f"{dump['judge']}: channel.{key} is missing")
        for item in dump["items"]:
            for key in required_item:
                if item.get(key) in (None, "") and "items." + key not in dump.get("unsupported", []):
                    problems.append(f"{dump['judge']}: item {item.get('guid')}: {key} is missing")
    first = dumps[0]
    for other in dumps[1:]:
        skip = set(first.get("unsupported", [])) | set(other.get("unsupported", []))
        for key, value in first["channel"].items():
            if "channel." + key in skip or key == "description":
                continue
            if other["channel"].get(key) != value:
                problems.append(f"{first['judge']} and {other['judge']} disagree on channel.{key}: {value!r} / {other['channel'].get(key)!r}")
        theirs = {item["guid"]: item for item in other["items"]}
        for item in first["items"]:
            peer = theirs.get(item["guid"])
            if peer is None:
                problems.append(f"{other['judge']} did not read item {item['guid']}")
                continue
            for key, value in item.items():
                if "items." + key in skip or key == "description":
                    continue
                if peer.get(key) != value:
                    problems.append(f"{first['judge']} and {other['judge']} disagree on item {item['guid']}.{key}: {value!r} / {peer.get(key)!r}")


def main(argv):
    if argv[1] == "--agree":
        compare_agree([json.load(open(path)) for path in argv[2:]])
    else:
        expected = json.load(open(argv[1]))
        for path in argv[2:]:
            compare_expected(expected, json.load(open(path)))
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
