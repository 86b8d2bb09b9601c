#!/usr/bin/env bash
# Benchmarks `podsmith build` on a workspace of N episodes: the media of bench/probe.sh's
# corpus (copies of the fixtures with varied tags and lengths) with a generated sidecar
# each. Runs 3 rounds on a warm page cache of:
#   cold build (no outputs, empty probe cache), no-change rebuild, rebuild after
#   touching one sidecar, and the mutagen script of the probe benchmark reading the
#   same media;
# and prints for each step the best wall milliseconds, the best CPU seconds (user+sys)
# and the largest peak RSS of the rounds (bench/timed.py), as bench/probe.sh does: one
# run on a shared machine can be off by tens of milliseconds.
# Usage: bench/build.sh N      (works in bench/out/build-N/, gitignored)
#        PODSMITH_BIN=build-x/podsmith bench/build.sh N   (time another build; default build/podsmith)
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC
N=${1:-}
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/build.sh N" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
PODSMITH_BENCH_CORPUS_ONLY=1 bench/probe.sh "$N" >/dev/null
C=bench/out/corpus-$N
W=bench/out/build-$N
SRC_BIN=${PODSMITH_BIN:-build/podsmith}
BIN=$root/bench/out/podsmith.build
[[ -n ${PODSMITH_BIN:-} ]] && BIN=$root/bench/out/podsmith.$(basename "$(dirname "$(realpath "$SRC_BIN")")").build
cp "$SRC_BIN" "$BIN.tmp" && mv "$BIN.tmp" "$BIN"

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
# bench/site.sh starts from the same workspace.
[[ -n ${PODSMITH_BENCH_WORKSPACE_ONLY:-} ]] && exit 0


echo "bench/build.sh $N — $(date -u +%FT%RZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
RUNS=3
T=$(mktemp -d)
ASIDE=bench/out/build-$N.aside
trap 'rm -rf "$T" "$ASIDE"' EXIT
# A cold build starts without outputs. They are moved aside rather than deleted until
# the end: ext4 skips inodes freed in the last half minute when it creates files, and
# that made the cold build that followed a deletion up to 10 ms slower.
outputs_aside() {
    local d
    d=$ASIDE/$(date +%s%N)
    mkdir -p "$d"
    mv "$W/.podsmith" "$W/feeds/bench.xml" "$W/feeds/bench" "$d/" 2>/dev/null || true
}
cat "$W"/media/* >/dev/null  # warm the page cache
declare -A WALL CPU RSS
run() { # NAME CMD...: one timed run (bench/timed.py: wall, user, sys, peak RSS KB, exit)
    local name=$1 wall u s kb code; shift
    /usr/bin/python3 bench/timed.py "$T/time" "$@" >/dev/null
    read -r wall u s kb code <"$T/time"
    WALL[$name]=$(awk -v a="$wall" -v b="${WALL[$name]:-}" 'BEGIN { print (b == "" || a < b) ? a : b }')
    CPU[$name]=$(awk -v a="$u" -v s="$s" -v b="${CPU[$name]:-}" 'BEGIN { print (b == "" || a + s < b) ? a + s : b }')
    ((kb > ${RSS[$name]:-0})) && RSS[$name]=$kb
    return 0
}
mapfile -t media < <(ls "$W"/media/* | grep -v '\.md$')
for ((i = 1; i <= RUNS; i++)); do
    outputs_aside
    run cold "$BIN" build -C "$W"
    run warm "$BIN" build -C "$W"
    touch "$W/media/$(ls "$W/media" | grep '\.md$' | head -1)"
    run touch "$BIN" build -C "$W"
    run mutagen /usr/bin/python3 bench/mutagen_probe.py "${media[@]}"
done
ms() { awk -v t="${WALL[$1]}" 'BEGIN { printf "%.1f", t * 1000 }'; }
cpu() { awk -v t="${CPU[$1]}" 'BEGIN { printf "%.3f", t }'; }
mb() { awk -v k="${RSS[$1]}" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }
printf '%-34s %10s %10s %10s\n' step ms "CPU s" "peak MB"
printf '%-34s %10s %10s %10s\n' "cold build (empty cache)" "$(ms cold)" "$(cpu cold)" "$(mb cold)"
printf '%-34s %10s %10s %10s\n' "no-change rebuild" "$(ms warm)" "$(cpu warm)" "$(mb warm)"
printf '%-34s %10s %10s %10s\n' "rebuild after touching a sidecar" "$(ms touch)" "$(cpu touch)" "$(mb touch)"
printf '%-34s %10s %10s %10s\n' "mutagen reading the same media" "$(ms mutagen)" "$(cpu mutagen)" "$(mb mutagen)"
echo "cold build vs mutagen: $(ratio "$(ms mutagen)" "$(ms cold)")x wall, $(ratio "$(cpu mutagen)" "$(cpu cold)")x CPU;" \
     "no-change rebuild / cold: $(awk -v a="$(ms warm)" -v b="$(ms cold)" 'BEGIN { printf "%.3f", a / b }') wall," \
     "$(awk -v a="$(cpu warm)" -v b="$(cpu cold)" 'BEGIN { printf "%.3f", a / b }') CPU"
echo "best of $RUNS rounds (wall and CPU each the best; peak RSS the largest); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
