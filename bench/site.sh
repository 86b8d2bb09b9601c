#!/usr/bin/env bash
# Benchmarks the site `podsmith build` writes, on bench/build.sh's workspace of N
# episodes (bench/out/site-N/, its media hard-linked), 3 rounds on a warm page cache:
#   the feed alone and the feed with the site, each built from scratch with the probe
#   cache kept (so the difference is the site's own time); a cold build with the site
#   (empty probe cache); a no-change build; a build after adding a line to one
#   sidecar's notes (and how many files it rewrote); and Hugo (Debian's hugo) rendering
#   the same sidecars' Markdown notes (Hugo reads their +++ TOML front matter as is)
#   with the minimal theme in bench/hugo/: a page per episode and a home page listing
#   them 50 a page.
# Prints the best wall ms and CPU seconds (user+sys) and the largest peak RSS of the
# rounds (bench/timed.py).
# Usage: bench/site.sh N
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC
N=${1:-}
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/site.sh N" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
PODSMITH_BENCH_WORKSPACE_ONLY=1 bench/build.sh "$N" >/dev/null
B=bench/out/build-$N
W=$root/bench/out/site-$N
H=$root/bench/out/hugo-$N
BIN=$root/bench/out/podsmith.site
cp "${PODSMITH_BIN:-build/podsmith}" "$BIN.tmp" && mv "$BIN.tmp" "$BIN"
command -v hugo >/dev/null || { echo "hugo is not installed (apt-get install hugo)" >&2; exit 1; }

rm -rf "$W" "$H"
mkdir -p "$W/feeds" "$H/content/episodes"
cp -al "$B/media" "$W/media"
cp "$B/feeds/bench.toml" "$W/feeds/bench.toml.nosite"
{ cat "$B/feeds/bench.toml"; printf '\n[site]\napple_podcasts = "https://podcasts.apple.com/podcast/id1"\n'; } >"$W/feeds/bench.toml.site"
cp bench/hugo/config.toml "$H/"
cp -r bench/hugo/layouts "$H/"
for f in "$W"/media/*.md; do cp "$f" "$H/content/episodes/"; done

echo "bench/site.sh $N — $(date -u +%FT%RZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(hugo version | cut -d' ' -f1-2)"
RUNS=3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cat "$W"/media/* >/dev/null
declare -A WALL CPU RSS
run() { # NAME CMD...
    local name=$1 wall u s kb code; shift
    /usr/bin/python3 bench/timed.py "$T/time" "$@" >"$T/out"
    read -r wall u s kb code <"$T/time"
    ((code == 0)) || { echo "$name failed:" >&2; cat "$T/out" >&2; exit 1; }
    WALL[$name]=$(awk -v a="$wall" -v b="${WALL[$name]:-}" 'BEGIN { print (b == "" || a < b) ? a : b }')
    CPU[$name]=$(awk -v a="$u" -v s="$s" -v b="${CPU[$name]:-}" 'BEGIN { print (b == "" || a + s < b) ? a + s : b }')
    ((kb > ${RSS[$name]:-0})) && RSS[$name]=$kb
    return 0
}
# Outputs (and the build stamp) gone; the probe cache kept unless $1 = cold.
fresh() {
    rm -rf "$W/feeds/bench.xml" "$W/feeds/bench" "$W/site" "$W/.podsmith/build-stamp"
    [[ ${1:-} == cold ]] && rm -rf "$W/.podsmith"
    return 0
}
use() { cp "$W/feeds/bench.toml.$1" "$W/feeds/bench.toml"; }
sidecars=("$W"/media/*.md)
sidecar=${sidecars[0]##*/}
# The first build fills the probe cache.
use nosite; "$BIN" build -C "$W" >/dev/null
for ((i = 1; i <= RUNS; i++)); do
    use nosite; fresh; run feed "$BIN" build -C "$W"
    use site; fresh; run site "$BIN" build -C "$W"
    fresh cold; run cold "$BIN" build -C "$W"
    run warm "$BIN" build -C "$W"
    # A sidecar with new notes: a copy, not an edit of the hard link's shared file.
    cp "$W/media/$sidecar" "$T/sidecar" && rm "$W/media/$sidecar"
    { cat "$T/sidecar"; echo "A line added in round $i."; } >"$W/media/$sidecar"
    run touch "$BIN" build -C "$W"
    touched=$(grep -cE '^(updated|created) ' "$T/out" || true)
    touched_site=$(grep -cE '^(updated|created) site/' "$T/out" || true)
    rm -rf "$H/public" "$H/resources"
    run hugo hugo --quiet --noBuildLock -s "$H" -d "$H/public"
done
pages=$(find "$W/site" -name index.html | wc -l)
hugo_pages=$(find "$H/public" -name index.html | wc -l)
ms() { awk -v t="${WALL[$1]}" 'BEGIN { printf "%.1f", t * 1000 }'; }
cpu() { awk -v t="${CPU[$1]}" 'BEGIN { printf "%.3f", t }'; }
mb() { awk -v k="${RSS[$1]}" 'BEGIN { printf "%.1f", k / 1024 }'; }
row() { printf '%-46s %10s %10s %10s\n' "$1" "$(ms "$2")" "$(cpu "$2")" "$(mb "$2")"; }
printf '%-46s %10s %10s %10s\n' step ms "CPU s" "peak MB"
row "feed alone (probe cache kept)" feed
row "feed + site (probe cache kept)" site
row "cold build with the site (empty probe cache)" cold
row "no-change build" warm
row "build after one sidecar's notes changed" touch
row "hugo: the same notes, $hugo_pages pages" hugo
site_ms=$(awk -v a="$(ms site)" -v b="$(ms feed)" 'BEGIN { printf "%.1f", a - b }')
site_cpu=$(awk -v a="$(cpu site)" -v b="$(cpu feed)" 'BEGIN { printf "%.3f", a - b }')
echo "the site ($pages pages): +$site_ms ms wall, +$site_cpu CPU s over the feed alone ($(ms feed) ms, $(cpu feed) s);" \
     "target: at most the feed's own time"
echo "hugo / the site's own time: $(awk -v a="$(ms hugo)" -v b="$site_ms" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')x wall," \
     "$(awk -v a="$(cpu hugo)" -v b="$site_cpu" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')x CPU;" \
     "hugo / the whole feed + site build: $(awk -v a="$(ms hugo)" -v b="$(ms site)" 'BEGIN { printf "%.1f", a / b }')x wall," \
     "$(awk -v a="$(cpu hugo)" -v b="$(cpu site)" 'BEGIN { printf "%.1f", a / b }')x CPU"
echo "a changed sidecar rewrote $touched files, $touched_site of them in site/ (its page and the home page)"
echo "best of $RUNS rounds; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
