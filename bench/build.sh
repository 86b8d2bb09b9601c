#!/usr/bin/env bash
# Benchmarks `podsmith build` on a workspace of N episodes: the media of bench/probe.sh's
# corpus (copies of the fixtures with varied tags and lengths) with a generated sidecar
# each. Prints, for one run each on a warm page cache:
#   cold build (empty probe cache), no-change rebuild, rebuild after touching one
#   sidecar, with wall seconds and peak RSS; and the mutagen script of the probe benchmark
#   reading the same media, measured in the same run.
# Usage: bench/build.sh N      (works in bench/out/build-N/, gitignored)
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC
N=${1:-}
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/build.sh N" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
PODSMITH_BENCH_CORPUS_ONLY=1 bench/probe.sh "$N" >/dev/null
C=bench/out/corpus-$N
W=bench/out/build-$N
BIN=$root/bench/out/podsmith.build
cp build/podsmith "$BIN.tmp" && mv "$BIN.tmp" "$BIN"

if [[ ! -f $W/stamp || $(cat "$W/stamp") != "$(cat "$C/stamp")" ]]; then
    echo "making a workspace of $N episodes in $W/ (once)..." >&2
    rm -rf "$W"
    mkdir -p "$W/feeds" "$W/media"
    cat >"$W/feeds/bench.toml" <<'TOML'
title = "Benchmark Show"
description = "A show with *many* episodes."
language = "en"
author = "Bench"
base_url = "https://bench.example.org/"
categories = ["Technology"]
explicit = false
[owner]
name = "Bench"
email = "bench@example.org"
TOML
    /usr/bin/python3 - "$C" "$W" "$N" <<'PY'
import os, shutil, sys, uuid
corpus, ws, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [l.split("\t") for l in open(os.path.join(corpus, "manifest.tsv")).read().splitlines()[1:]]
for i, row in enumerate(rows[:n]):
    src = row[0]
    name = os.path.basename(src)
    os.link(src, os.path.join(ws, "media", name)) if os.stat(src).st_dev == os.stat(ws).st_dev else shutil.copy(src, os.path.join(ws, "media", name))
    stem = os.path.splitext(name)[0]
    day = 1 + i % 28
    with open(os.path.join(ws, "media", stem + ".md"), "w") as f:
        f.write(f'+++\ntitle = "Episode {i}"\nguid = "{uuid.UUID(int=i + 1)}"\n'
                f'date = 20{10 + i // 336:02d}-{1 + (i // 28) % 12:02d}-{day:02d}T09:00:00+01:00\nepisode = {i + 1}\n+++\n'
                f'Notes for episode {i}, with a [link](https://example.org/{i}) and **bold** text.\n')
PY
    cp "$C/stamp" "$W/stamp"
fi


echo "bench/build.sh $N — $(date -u +%FT%RZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$W/.podsmith" "$W/feeds/bench.xml" "$W/feeds/bench"
cat "$W"/media/* >/dev/null  # warm the page cache
t0=$(date +%s%N); /usr/bin/time -f '%M' -o /tmp/psb-cold "$BIN" build -C "$W" >/dev/null; t1=$(date +%s%N)
t2=$(date +%s%N); /usr/bin/time -f '%M' -o /tmp/psb-warm "$BIN" build -C "$W" >/dev/null; t3=$(date +%s%N)
touch "$W/media/$(ls "$W/media" | grep '\.md$' | head -1)"
t4=$(date +%s%N); /usr/bin/time -f '%M' -o /tmp/psb-touch "$BIN" build -C "$W" >/dev/null; t5=$(date +%s%N)
mapfile -t media < <(ls "$W"/media/* | grep -v '\.md$')
t6=$(date +%s%N); /usr/bin/time -f '%M' -o /tmp/psb-mutagen /usr/bin/python3 bench/mutagen_probe.py "${media[@]}" >/dev/null; t7=$(date +%s%N)
ms() { echo "scale=1; ($2 - $1) / 1000000" | bc; }
mb() { echo "scale=1; $(tail -1 "$1") / 1024" | bc; }
printf '%-34s %10s %10s\n' step ms "peak MB"
printf '%-34s %10s %10s\n' "cold build (empty cache)" "$(ms "$t0" "$t1")" "$(mb /tmp/psb-cold)"
printf '%-34s %10s %10s\n' "no-change rebuild" "$(ms "$t2" "$t3")" "$(mb /tmp/psb-warm)"
printf '%-34s %10s %10s\n' "rebuild after touching a sidecar" "$(ms "$t4" "$t5")" "$(mb /tmp/psb-touch)"
printf '%-34s %10s %10s\n' "mutagen reading the same media" "$(ms "$t6" "$t7")" "$(mb /tmp/psb-mutagen)"
echo "cold build vs mutagen: $(echo "scale=1; ($t7 - $t6) / ($t1 - $t0)" | bc)x; no-change rebuild / cold: $(echo "scale=3; ($t3 - $t2) / ($t1 - $t0)" | bc)"
