#!/usr/bin/env bash
# Real parsers judge the feeds podsmith builds: xmllint (well-formed XML),
# python3-feedparser and podcast-partytime (the Podcast Index's parser) must read
# every field of the example feed with the values we meant
# (channel8.expected.json), and must agree with each other on a feed made from
# an empty folder with init, add and build.
#   run_judges.sh PODSMITH_BINARY SOURCE_DIR
# Exits 77 (CTest: skipped) naming what is missing when a judge is not installed;
# scripts/setup-judges installs them.
set -euo pipefail
podsmith=$1
src=$2
judges="$src/tests/judges"

skip() { echo "SKIPPED: $* (run scripts/setup-judges)"; exit 77; }
command -v xmllint >/dev/null || skip "xmllint is not installed"
/usr/bin/python3 -c 'import feedparser' 2>/dev/null || skip "python3-feedparser is not installed"
command -v node >/dev/null || skip "node is not installed"
[[ -d "$judges/node_modules/podcast-partytime" ]] || skip "podcast-partytime is not installed in tests/judges"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

judge() {  # judge FEED OUT_PREFIX
  xmllint --noout --nonet "$1"
  node "$judges/partytime_dump.js" "$1" >"$2.partytime.json"
  /usr/bin/python3 "$judges/feedparser_dump.py" "$1" >"$2.feedparser.json"
}

# 1. The example workspace, built in a fresh copy.
mkdir -p "$work/example/feeds"
cp "$src/feeds/channel8.toml" "$work/example/feeds/"
cp -r "$src/media" "$work/example/media"
"$podsmith" build -C "$work/example" >/dev/null
judge "$work/example/feeds/channel8.xml" "$work/example"
/usr/bin/python3 "$judges/compare.py" "$judges/channel8.expected.json" \
  "$work/example.partytime.json" "$work/example.feedparser.json"
/usr/bin/python3 "$judges/compare.py" --agree "$work/example.partytime.json" "$work/example.feedparser.json"
echo "example feed: xmllint, feedparser and podcast-partytime read every expected value"

# 2. A new user's workspace: init, add three files with notes, build.
mkdir -p "$work/new"
cd "$work/new"
"$podsmith" init --title "New & Improved <Show>" --base-url "https://example.org/new/" \
  --author "Zoë Ångström" --email "zoe@example.org" >/dev/null
printf 'Notes with a [link](https://example.org/) & an ampersand.\n' >notes.md
for f in cbr.mp3 aac.m4a opus.opus; do
  "$podsmith" add "$src/tests/fixtures/media/$f" --notes notes.md >/dev/null
done
"$podsmith" build >/dev/null
judge "$work/new/feeds/new-improved-show.xml" "$work/new"
/usr/bin/python3 "$judges/compare.py" --agree "$work/new.partytime.json" "$work/new.feedparser.json"
items=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$work/new.partytime.json")
[[ "$items" == 3 ]] || { echo "podcast-partytime read $items items, expected 3" >&2; exit 1; }
echo "new workspace: all three judges read it and agree"
