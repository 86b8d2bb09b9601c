#!/usr/bin/env bash
# Benchmarks `podsmith lint` side by side, in one run, with `xmllint --noout` (the XML
# parser's floor) and the Podcast Index's npm parser podcast-partytime, with peak memory:
#
#  A. one big feed of N items (default 10,000, about 20 MB): podsmith with `--format json`
#     and with `--format text`, xmllint --noout, and node running partytime's parseFeed on
#     the file read as UTF-8 (tests/judges/node_modules; the parse alone is also timed in
#     node). The feed is deterministic and every rule set passes it: each item has a title,
#     guid, pubDate, a ~1.5 KB HTML description in CDATA, an enclosure, duration,
#     season/episode, artwork, a transcript and JSON chapters.
#  B. a crawl: 1,000 different feeds of 20-100 KB (some with findings), linted by ONE
#     `podsmith lint --format json` process, and parsed by one node process with partytime.
#
# One untimed run of each (warm page cache), then 3 rounds, the tools interleaved so that
# background load hits them alike. Wall seconds: best of 3, measured with EPOCHREALTIME
# around /usr/bin/time. CPU seconds: best user+sys of 3 (steadier than wall time on a busy
# machine). Peak RSS: the largest %M of the 3.
#
# Targets (issue 12): text and JSON each no slower than xmllint --noout and at least 10x
# partytime; peak memory at most twice the file; the crawl at least 2,000 feeds a second.
#
# Usage: bench/lint.sh [N]      (run from anywhere; works in bench/out/lint/, gitignored)
# Needs: a built podsmith (PODSMITH=path, default build/podsmith), python3, xmllint, node
# with tests/judges/node_modules (cd tests/judges && npm ci), /usr/bin/time (package `time`).
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

for tool in /usr/bin/time python3 node xmllint; do
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

# --- B. the crawl corpus ---------------------------------------------------------------------
CRAWL=$OUT/crawl
if [[ ! -s $CRAWL/list.txt ]]; then
    echo "generating $CRAWL/ (1,000 feeds)..." >&2
    rm -rf "$CRAWL" && mkdir -p "$CRAWL"
    python3 - "$CRAWL" <<'PY'
import datetime, os, random, sys, uuid
out_dir = sys.argv[1]
rnd = random.Random(12)
words = ("river stone lantern orchard compass harbor meadow signal copper thistle ember willow "
         "granite beacon hollow prairie cinder marble fern tide quartz saffron juniper falcon").split()
days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
names = []
for f in range(1000):
    base = f"https://host{f % 37}.example.com/show{f}/"
    target = rnd.randint(20_000, 100_000)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
             'xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
             '<channel>', f'<title>Show {f} {rnd.choice(words).title()}</title>', f'<link>{base}</link>',
             f'<description>A show about {" ".join(rnd.choice(words) for _ in range(12))}.</description>',
             '<language>en</language>', f'<itunes:author>Host {f}</itunes:author>',
             '<itunes:category text="Technology"/>', '<itunes:explicit>false</itunes:explicit>']
    if f % 4:  # a quarter of the shows lack artwork and an owner: findings to report
        lines += [f'<itunes:image href="{base}art.jpg"/>',
                  f'<itunes:owner><itunes:name>Host {f}</itunes:name><itunes:email>h{f}@example.com</itunes:email></itunes:owner>']
    size = sum(len(l) for l in lines)
    i = 0
    while size < target:
        i += 1
        when = datetime.datetime(2024, 6, 1) - datetime.timedelta(days=7 * i + f % 7)
        text = " ".join(rnd.choice(words) for _ in range(rnd.randint(30, 200)))
        item = [f'<item><title>{rnd.choice(words).title()} and {rnd.choice(words)} ({f}.{i})</title>',
                f'<guid isPermaLink="false">{uuid.UUID(int=f * 100000 + i)}</guid>',
                f'<pubDate>{days[when.weekday()]}, {when.day:02d} {months[when.month - 1]} {when.year} 08:00:00 +0000</pubDate>',
                f'<description><![CDATA[<p>{text}</p>]]></description>',
                f'<enclosure url="{base}ep{i}.mp3" length="{rnd.randint(1_000_000, 90_000_000)}" type="audio/mpeg"/>',
                f'<itunes:duration>{rnd.randint(60, 7200)}</itunes:duration></item>']
        if i % 25 == 0:  # now and then an item without a guid
            item.pop(1)
        lines += item
        size += sum(len(l) for l in item)
    lines += ['</channel>', '</rss>']
    name = os.path.join(out_dir, f"feed{f:04d}.xml")
    with open(name, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    names.append(name)
with open(os.path.join(out_dir, "list.txt"), "w") as fh:
    fh.write("\n".join(names) + "\n")
PY
fi
mapfile -t CRAWL_FILES < "$CRAWL/list.txt"
CRAWL_BYTES=$(cat "${CRAWL_FILES[@]}" | wc -c)

cat > "$OUT/partytime_crawl.js" <<'JS'
// Parses every feed named in a list with podcast-partytime, in one process.
process.env.PARTYTIME_LOG = "silent";
const fs = require("fs");
const path = require("path");
const { parseFeed } = require(path.resolve(process.argv[2], "tests/judges/node_modules/podcast-partytime"));
const files = fs.readFileSync(process.argv[3], "utf8").split("\n").filter(Boolean);
const t0 = process.hrtime.bigint();
let items = 0;
for (const f of files) {
  const feed = parseFeed(fs.readFileSync(f, "utf8"));
  if (feed && Array.isArray(feed.items)) items += feed.items.length;
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(`${items} ${ms.toFixed(1)}`);
JS

# --- timing -------------------------------------------------------------------------------
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
    read -r _ kb user sys < <(tail -n 1 "$OUT/time.txt")
    cpu=$(awk "BEGIN{printf \"%.3f\", $user + $sys}")
    if [[ -z ${BEST[$name]:-} || $ms -lt ${BEST[$name]} ]]; then BEST[$name]=$ms; fi
    if [[ -z ${RSS[$name]:-} || $kb -gt ${RSS[$name]} ]]; then RSS[$name]=$kb; fi
    if [[ -z ${CPU[$name]:-} ]] || awk "BEGIN{exit !($cpu < ${CPU[$name]})}"; then CPU[$name]=$cpu; fi
    echo "$name: ${ms} ms wall, ${cpu} s CPU, peak RSS ${kb} KiB" | tee -a "$LOG" >&2
}
best_parse() { # KEY FILE: the smallest "items ms" ms seen
    local items ms
    read -r items ms < "$2"
    if [[ -z ${PARSE[$1]:-} ]] || awk "BEGIN{exit !($ms < ${PARSE[$1]})}"; then PARSE[$1]=$ms; fi
    PARSE[$1.items]=$items
}
JSON=("$SNAP" lint --format json "$FEED")
TEXT=("$SNAP" lint --format text "$FEED")
XMLLINT=(xmllint --noout "$FEED")
PARTY=(node "$OUT/partytime_parse.js" "$root" "$FEED")
CRAWL_PS=("$SNAP" lint --format json "${CRAWL_FILES[@]}")
CRAWL_PT=(node "$OUT/partytime_crawl.js" "$root" "$CRAWL/list.txt")

for cmd in JSON TEXT XMLLINT PARTY CRAWL_PS CRAWL_PT; do   # warm the page cache
    declare -n c=$cmd
    "${c[@]}" > /dev/null 2>&1 || true
done
for ((r = 1; r <= RUNS; r++)); do
    run json "${JSON[@]}"
    run xmllint "${XMLLINT[@]}"
    run text "${TEXT[@]}"
    run partytime "${PARTY[@]}"
    best_parse big "$OUT/out-partytime.txt"
    run crawl-podsmith "${CRAWL_PS[@]}"
    run crawl-partytime "${CRAWL_PT[@]}"
    best_parse crawl "$OUT/out-crawl-partytime.txt"
done

findings=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print("%d errors, %d warnings, %d infos" % (s["errors"], s["warnings"], s["infos"]))' "$OUT/out-json.txt")
crawl_findings=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print("%d errors, %d warnings, %d infos" % (s["errors"], s["warnings"], s["infos"]))' "$OUT/out-crawl-podsmith.txt")

mib() { awk "BEGIN{printf \"%.1f\", $1 / 1024}"; }
sec() { awk "BEGIN{printf \"%.3f\", $1 / 1000}"; }
ratio() { awk "BEGIN{printf \"%.2f\", $1 / $2}"; }
ok() { if awk "BEGIN{exit !($1)}"; then echo "met"; else echo "MISSED"; fi; }
echo
printf "A. feed: %s, %d items, %.1f MB; podsmith: %s\n" "$FEED" "$N" "$(awk "BEGIN{print $SIZE/1e6}")" "$findings"
printf "%-16s %9s %9s %13s %14s\n" tool "wall s" "CPU s" "peak RSS MiB" "RSS/file size"
for name in json text xmllint partytime; do
    printf "%-16s %9s %9s %13s %14s\n" "$name" "$(sec "${BEST[$name]}")" "${CPU[$name]}" "$(mib "${RSS[$name]}")" \
        "$(awk "BEGIN{printf \"%.2fx\", ${RSS[$name]} * 1024 / $SIZE}")"
done
echo "   (partytime's parse alone, in node: $(sec "${PARSE[big]}") s, ${PARSE[big.items]} items)"
for name in json text; do
    echo "$name: xmllint/podsmith = $(ratio "${BEST[xmllint]}" "${BEST[$name]}")x wall, $(ratio "${CPU[xmllint]}" "${CPU[$name]}")x CPU;" \
         "partytime/podsmith = $(ratio "${BEST[partytime]}" "${BEST[$name]}")x wall, $(ratio "${CPU[partytime]}" "${CPU[$name]}")x CPU"
done
CB=${BEST[crawl-podsmith]} CT=${BEST[crawl-partytime]}
printf "\nB. crawl: %d feeds, %.1f MB; podsmith: %s\n" "${#CRAWL_FILES[@]}" "$(awk "BEGIN{print $CRAWL_BYTES/1e6}")" "$crawl_findings"
printf "podsmith (one process):  %s s wall, %s s CPU, %s feeds/s, peak RSS %s MiB\n" "$(sec "$CB")" "${CPU[crawl-podsmith]}" \
    "$(awk "BEGIN{printf \"%.0f\", ${#CRAWL_FILES[@]} * 1000 / $CB}")" "$(mib "${RSS[crawl-podsmith]}")"
printf "partytime (one process): %s s wall, %s s CPU, %s feeds/s (parse alone %s s: %s feeds/s)\n" "$(sec "$CT")" \
    "${CPU[crawl-partytime]}" "$(awk "BEGIN{printf \"%.0f\", ${#CRAWL_FILES[@]} * 1000 / $CT}")" "$(sec "${PARSE[crawl]}")" \
    "$(awk "BEGIN{printf \"%.0f\", ${#CRAWL_FILES[@]} * 1000 / ${PARSE[crawl]}}")"
echo
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs (wall times grow with load; CPU times much less)"
for name in json text; do
    echo "targets ($name): <= xmllint (CPU): $(ok "${CPU[$name]} <= ${CPU[xmllint]}"); <= xmllint (wall): $(ok "${BEST[$name]} <= ${BEST[xmllint]}");" \
         ">= 10x partytime: $(ok "${BEST[partytime]} >= 10 * ${BEST[$name]}"); peak RSS <= 2x file: $(ok "${RSS[$name]} * 1024 <= 2 * $SIZE")"
done
echo "targets (crawl): >= 2,000 feeds/s: $(ok "${#CRAWL_FILES[@]} * 1000 / $CB >= 2000")"
