#!/usr/bin/env bash
# Benchmarks `podsmith lint` on a generated feed of N items (default 10,000, about
# 20 MB) against the Podcast Index's npm parser podcast-partytime parsing the same
# file, in the same run, with peak memory.
#
# Usage: bench/lint.sh [N]      (run from anywhere; works in bench/out/lint/, gitignored)
#
#  1. generates bench/out/lint/feed-N.xml once (deterministic; every rule set passes it:
#     each item has a title, guid, pubDate, a ~1.5 KB HTML description in CDATA, an
#     enclosure, duration, season/episode, artwork, a transcript and JSON chapters);
#  2. times a private copy of podsmith (`lint --format json FEED`, all rule sets, output
#     to /dev/null) and `node` running podcast-partytime's parseFeed on the file read as
#     UTF-8 (tests/judges/node_modules; the parse alone is also timed inside node);
#  3. one untimed run of each (warm page cache), then 3 rounds, the tools interleaved so
#     that background load hits them alike. Wall seconds: best of 3, measured with
#     EPOCHREALTIME around /usr/bin/time (whose %e has 10 ms resolution). CPU seconds:
#     best user+sys of 3 (steadier than wall time on a busy machine). Peak RSS: the
#     largest %M of the 3.
#
# Targets (issue 4): podsmith under 0.5 s, at least 10x faster than partytime, peak
# memory under 4x the file size.
#
# Needs: a built podsmith (PODSMITH=path, default build/podsmith), python3, node with
# tests/judges/node_modules (cd tests/judges && npm ci), /usr/bin/time (package `time`).
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC

N=${1:-10000}
if ! [[ $N =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: bench/lint.sh [N]   (number of items, default 10000)" >&2
    exit 2
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
BIN=${PODSMITH:-build/podsmith}
OUT=bench/out/lint
RUNS=3
mkdir -p "$OUT"

for tool in /usr/bin/time python3 node; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "bench/lint.sh: $tool is missing" >&2
        exit 1
    fi
done
if [[ ! -d tests/judges/node_modules/podcast-partytime ]]; then
    echo "bench/lint.sh: podcast-partytime is missing: cd tests/judges && npm ci" >&2
    exit 1
fi
if [[ ! -x $BIN ]]; then
    echo "bench/lint.sh: $BIN is missing: build podsmith first (or set PODSMITH=path)" >&2
    exit 1
fi
# Time a private copy, so that a rebuild during the run cannot change or break it.
SNAP=$OUT/podsmith.bench
cp "$BIN" "$SNAP.tmp" && mv "$SNAP.tmp" "$SNAP"

# --- 1. the feed -------------------------------------------------------------------------
FEED=$OUT/feed-$N.xml
if [[ ! -s $FEED ]]; then
    echo "generating $FEED..." >&2
    python3 - "$N" "$FEED.tmp" <<'PY'
import sys, uuid, datetime
n, path = int(sys.argv[1]), sys.argv[2]
base = "https://bench.example.org/show/"
self_url = base + "feed.xml"
ns = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
guid = uuid.uuid5(ns, self_url.split("://", 1)[1].rstrip("/"))
days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
words = ("river stone lantern orchard compass harbor meadow signal copper thistle "
         "ember willow granite beacon hollow prairie cinder marble fern tide").split()
out = open(path, "w", encoding="utf-8")
w = out.write
w('<?xml version="1.0" encoding="UTF-8"?>\n')
w('<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
  'xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom" '
  'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n')
w(f"""  <title>Bench Radio</title>
  <link>{base}</link>
  <description>A generated show for benchmarking podsmith lint.</description>
  <language>en-us</language>
  <copyright>Bench Radio</copyright>
  <atom:link href="{self_url}" rel="self" type="application/rss+xml"/>
  <itunes:image href="{base}art.jpg"/>
  <itunes:category text="Technology"/>
  <itunes:explicit>false</itunes:explicit>
  <itunes:author>Bench Radio</itunes:author>
  <itunes:owner><itunes:name>Bench Radio</itunes:name><itunes:email>podcast@bench.example.org</itunes:email></itunes:owner>
  <itunes:type>episodic</itunes:type>
  <podcast:guid>{guid}</podcast:guid>
  <podcast:locked owner="podcast@bench.example.org">yes</podcast:locked>
  <podcast:medium>podcast</podcast:medium>
""")
start = datetime.datetime(2024, 6, 1, 9, 30, tzinfo=datetime.timezone.utc)
for i in range(n, 0, -1):
    d = start - datetime.timedelta(days=n - i)
    date = f"{days[d.weekday()]}, {d.day:02d} {months[d.month - 1]} {d.year} 09:30:00 +0000"
    title = " ".join(words[(i * k) % len(words)].capitalize() for k in (3, 7, 11))
    sentence = " ".join(words[(i + k * 5) % len(words)] for k in range(14))
    para = f"<p>In this episode we talk about {sentence}. <a href=\"{base}notes/{i}\">Notes</a>.</p>\n"
    description = para * 6
    season, episode = (i - 1) // 100 + 1, i
    w(f"""  <item>
    <title>{title} {i}</title>
    <guid isPermaLink="false">{uuid.uuid5(ns, f"bench-{i}")}</guid>
    <pubDate>{date}</pubDate>
    <link>{base}episodes/{i}</link>
    <description><![CDATA[{description}]]></description>
    <enclosure url="{base}media/ep-{i:05d}.mp3" length="{20_000_000 + i * 37}" type="audio/mpeg"/>
    <itunes:duration>{1800 + i % 1200}</itunes:duration>
    <itunes:season>{season}</itunes:season>
    <itunes:episode>{episode}</itunes:episode>
    <itunes:episodeType>full</itunes:episodeType>
    <itunes:explicit>false</itunes:explicit>
    <itunes:image href="{base}art/ep-{i:05d}.jpg"/>
    <podcast:transcript url="{base}transcripts/ep-{i:05d}.vtt" type="text/vtt"/>
    <podcast:chapters url="{base}chapters/ep-{i:05d}.json" type="application/json+chapters"/>
  </item>
""")
w("</channel>\n</rss>\n")
out.close()
PY
    mv "$FEED.tmp" "$FEED"
fi
SIZE=$(stat -c %s "$FEED")

cat > "$OUT/partytime_parse.js" <<'JS'
// Reads the feed and parses it with podcast-partytime, as partytime_dump.js does.
process.env.PARTYTIME_LOG = "silent";
const fs = require("fs");
const path = require("path");
const { parseFeed } = require(path.resolve(process.argv[2], "tests/judges/node_modules/podcast-partytime"));
const t0 = process.hrtime.bigint();
const xml = fs.readFileSync(process.argv[3], "utf8");
const feed = parseFeed(xml);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
if (!feed || !Array.isArray(feed.items)) { console.error("partytime rejected the feed"); process.exit(1); }
console.log(`${feed.items.length} ${ms.toFixed(1)}`);
JS

# --- 2./3. timing --------------------------------------------------------------------------
LOG=$OUT/runs-$N.log
: > "$LOG"
declare -A BEST RSS CPU PARSE
run() { # NAME CMD...   -> wall ms to BEST, %M to RSS, user+sys s to CPU; a line to stderr and the log
    local name=$1; shift
    local t0 t1 ms kb user sys cpu
    t0=$EPOCHREALTIME
    /usr/bin/time -f "%e %M %U %S" -o "$OUT/time.txt" "$@" > "$OUT/out-$name.txt" 2> "$OUT/err-$name.txt" || true
    t1=$EPOCHREALTIME
    ms=$(( (${t1/./} - ${t0/./}) / 1000 ))
    read -r _ kb user sys < "$OUT/time.txt"
    cpu=$(awk "BEGIN{printf \"%.2f\", $user + $sys}")
    if [[ -z ${BEST[$name]:-} || $ms -lt ${BEST[$name]} ]]; then BEST[$name]=$ms; fi
    if [[ -z ${RSS[$name]:-} || $kb -gt ${RSS[$name]} ]]; then RSS[$name]=$kb; fi
    if [[ -z ${CPU[$name]:-} ]] || awk "BEGIN{exit !($cpu < ${CPU[$name]})}"; then CPU[$name]=$cpu; fi
    echo "$name: ${ms} ms wall, ${cpu} s CPU, peak RSS ${kb} KiB" | tee -a "$LOG" >&2
}
LINT=("$SNAP" lint --format json "$FEED")
PARTY=(node "$OUT/partytime_parse.js" "$root" "$FEED")

"${LINT[@]}" > /dev/null 2>&1 || true   # warm the page cache
"${PARTY[@]}" > /dev/null 2>&1 || true
for ((r = 1; r <= RUNS; r++)); do
    run podsmith "${LINT[@]}"
    run partytime "${PARTY[@]}"
    read -r items parse_ms < "$OUT/out-partytime.txt"
    if [[ -z ${PARSE[ms]:-} ]] || awk "BEGIN{exit !($parse_ms < ${PARSE[ms]})}"; then PARSE[ms]=$parse_ms; fi
done

findings=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print("%d errors, %d warnings, %d infos" % (s["errors"], s["warnings"], s["infos"]))' "$OUT/out-podsmith.txt")

mib() { awk "BEGIN{printf \"%.1f\", $1 / 1024}"; }
sec() { awk "BEGIN{printf \"%.3f\", $1 / 1000}"; }
P=${BEST[podsmith]} Q=${BEST[partytime]}
echo
printf "feed: %s, %d items, %.1f MB; podsmith: %s\n" "$FEED" "$N" "$(awk "BEGIN{print $SIZE/1e6}")" "$findings"
printf "%-12s %9s %9s %13s %14s\n" tool "wall s" "CPU s" "peak RSS MiB" "RSS/file size"
printf "%-12s %9s %9s %13s %14s\n" podsmith "$(sec "$P")" "${CPU[podsmith]}" "$(mib "${RSS[podsmith]}")" \
    "$(awk "BEGIN{printf \"%.2fx\", ${RSS[podsmith]} * 1024 / $SIZE}")"
printf "%-12s %9s %9s %13s %14s   (parse alone, in node: %s s, %s items)\n" partytime "$(sec "$Q")" \
    "${CPU[partytime]}" "$(mib "${RSS[partytime]}")" "$(awk "BEGIN{printf \"%.2fx\", ${RSS[partytime]} * 1024 / $SIZE}")" \
    "$(awk "BEGIN{printf \"%.3f\", ${PARSE[ms]} / 1000}")" "$items"
ratio=$(awk "BEGIN{printf \"%.1f\", $Q / $P}")
cpu_ratio=$(awk "BEGIN{printf \"%.1f\", ${CPU[partytime]} / ${CPU[podsmith]}}")
parse_ratio=$(awk "BEGIN{printf \"%.1f\", ${PARSE[ms]} / $P}")
echo "speed: partytime/podsmith = ${ratio}x (wall), ${cpu_ratio}x (CPU), ${parse_ratio}x (partytime's parse alone vs podsmith's whole run)"
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs (wall times grow with load; CPU times much less)"
ok() { if awk "BEGIN{exit !($1)}"; then echo "met"; else echo "MISSED"; fi; }
echo "targets: < 0.5 s: $(ok "$P < 500"); >= 10x partytime: $(ok "$Q >= 10 * $P"); peak RSS < 4x file: $(ok "${RSS[podsmith]} * 1024 < 4 * $SIZE")"
