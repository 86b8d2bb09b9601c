#!/usr/bin/env bash
# Benchmarks `podsmith publish` to WebDAV: a show of N episodes (default 500, about
# 600 KB of MP3 each, some 300 MB in all) published to nginx with WebDAV on loopback
# (tests/servers/nginx_dav.conf, the publish tests' server), next to curl's command
# line uploading the same files in one run (one config file, one connection), then a
# no-change publish. Prints seconds, MB/s and peak memory.
#
# Usage: bench/publish.sh [N]     (works in bench/out/publish-N/, gitignored)
#
# Targets (issue 5): the upload within 1.5x of curl's time for the same bytes; the
# no-change publish under 1 s.
#
# Needs: a built podsmith (PODSMITH=path, default build/podsmith), nginx with
# libnginx-mod-http-dav-ext, curl, openssl, /usr/bin/time.
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC

N=${1:-500}
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/publish.sh [N]" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${PODSMITH:-$root/build/podsmith}
W=$root/bench/out/publish-$N
for tool in /usr/sbin/nginx /usr/bin/curl /usr/bin/openssl /usr/bin/time; do
  [[ -x $tool ]] || { echo "bench/publish.sh: $tool is missing" >&2; exit 1; }
done
[[ -e /usr/lib/nginx/modules/ngx_http_dav_ext_module.so ]] \
  || { echo "bench/publish.sh: install libnginx-mod-http-dav-ext" >&2; exit 1; }

# The workspace, once: each episode a different ~600 KB MP3 (the CBR fixture 22
# times over, then the episode number, so no two files are alike), a sidecar each.
if [[ ! -f $W/ws/stamp ]]; then
  echo "making a workspace of $N episodes in $W/ws (once)..." >&2
  rm -rf "$W"
  mkdir -p "$W/ws/feeds" "$W/ws/media"
  cat >"$W/ws/feeds/bench.toml" <<'TOML'
title = "Publish Benchmark"
description = "A show with many episodes."
language = "en"
author = "Bench"
base_url = "https://bench.example.org/"
categories = ["Technology"]
explicit = false
image = "media/cover.jpg"
[owner]
name = "Bench"
email = "bench@example.org"
[publish]
target = "http://127.0.0.1:1/dav/show/"  # set to the benchmark server below
verify_public = false
websub = false
TOML
  cp "$root/media/artwork/channel8.jpg" "$W/ws/media/cover.jpg"
  one="$W/one.mp3"
  for _ in $(seq 22); do cat "$root/tests/fixtures/media/cbr.mp3"; done >"$one"
  for i in $(seq 1 "$N"); do
    { cat "$one"; printf 'episode %06d' "$i"; } >"$W/ws/media/ep$i.mp3"
    printf '+++\ntitle = "Episode %d"\nguid = "bench-%06d"\ndate = 2020-01-01T09:00:00+00:00\nepisode = %d\n+++\nNotes of episode %d.\n' \
      "$i" "$i" "$i" "$i" >"$W/ws/media/ep$i.md"
  done
  "$BIN" build -C "$W/ws" >/dev/null 2>&1
  touch "$W/ws/stamp"
fi

# nginx with WebDAV on a free port, its root emptied before each run.
state=$W/nginx
rm -rf "$state"
mkdir -p "$state/root"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password=$(openssl rand -hex 8)
echo "publisher:$(openssl passwd -apr1 "$password")" >"$state/htpasswd"
sed -e "s|@PORT@|$port|g" -e "s|@ROOT@|$state/root|g" -e "s|@TMP@|$state|g" -e "s|@USER@|$(id -un)|g" \
  "$root/tests/servers/nginx_dav.conf" >"$state/nginx.conf"
/usr/sbin/nginx -p "$state" -c "$state/nginx.conf" -e stderr &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  /usr/bin/curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.05
done
sed -i "s|^target = .*|target = \"http://127.0.0.1:$port/dav/show/\"|" "$W/ws/feeds/bench.toml"
"$BIN" build -C "$W/ws" >/dev/null  # the target is not part of the feed: nothing changes

files=$(cd "$W/ws" && { find media -name '*.mp3'; echo media/cover.jpg; echo feeds/bench.xml; } | sort)
count=$(echo "$files" | wc -l)
bytes=$(cd "$W/ws" && echo "$files" | xargs stat -c %s | paste -sd+ | bc)
mb=$(echo "scale=1; $bytes / 1000000" | bc)
echo "bench/publish.sh $N — $(date -u +%FT%RZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$count files, $mb MB, to nginx WebDAV on 127.0.0.1:$port"
cat "$W"/ws/media/*.mp3 >/dev/null  # warm the page cache

now() { date +%s%N; }
seconds() { echo "scale=3; ($2 - $1) / 1000000000" | bc; }

# curl: the same files in one run, one connection, into collections made beforehand
# (curl does not MKCOL), with plain PUTs (no temporary names, no MOVE).
fresh_root() { rm -rf "$state/root/show"; mkdir -p "$state/root/show/media" "$state/root/show/feeds"; }
fresh_root
config=$W/curl.config
(cd "$W/ws" && echo "$files" | while read -r f; do
   printf 'upload-file = "%s"\nurl = "http://127.0.0.1:%s/dav/show/%s"\noutput = "/dev/null"\n' "$W/ws/$f" "$port" "$f"
 done) >"$config"
t0=$(now)
/usr/bin/time -f '%U %S' -o "$W/cpu-curl" /usr/bin/curl -s -S --fail -u "publisher:$password" -K "$config"
t1=$(now)
curl_s=$(seconds "$t0" "$t1")

# podsmith: a first publish into an empty server (builds nothing: the workspace is up to date).
rm -rf "$state/root/show" "$W/ws/.podsmith/publish"
mkdir -p "$state/root/show"
export PODSMITH_USER=publisher PODSMITH_PASSWORD=$password
t0=$(now)
/usr/bin/time -f "%M %U %S" -o "$W/rss-first" ${PODSMITH_WRAP:-} "$BIN" publish -C "$W/ws" ${PODSMITH_PUBLISH_ARGS:-} >/dev/null
t1=$(now)
first_s=$(seconds "$t0" "$t1")
(cd "$W/ws" && echo "$files" | while read -r f; do cmp -s "$f" "$state/root/show/$f" || echo "differs: $f"; done) \
  | head -3 | grep . && { echo "bench/publish.sh: the server's files differ from the workspace" >&2; exit 1; }

t0=$(now)
/usr/bin/time -f '%M' -o "$W/rss-again" "$BIN" publish -C "$W/ws" >/dev/null
t1=$(now)
again_s=$(seconds "$t0" "$t1")

cpu() { awk '{printf "%.2f", $(NF-1) + $NF}' "$1"; }
printf '%-34s %8s s  %7s MB/s  cpu %s s\n' "curl -K (one run, plain PUTs)" "$curl_s" \
  "$(echo "scale=1; $mb / $curl_s" | bc)" "$(cpu "$W/cpu-curl")"
printf '%-34s %8s s  %7s MB/s  cpu %s s  peak %s MB  (%.2fx curl)\n' "podsmith publish (first)" "$first_s" \
  "$(echo "scale=1; $mb / $first_s" | bc)" "$(cpu "$W/rss-first")" "$(( $(cut -d' ' -f1 "$W/rss-first") / 1024 ))" \
  "$(echo "$first_s / $curl_s" | bc -l)"
printf '%-34s %8s s  peak %s MB\n' "podsmith publish (no change)" "$again_s" "$(( $(cat "$W/rss-again") / 1024 ))"
