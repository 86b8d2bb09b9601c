#!/usr/bin/env bash
# Benchmarks `podsmith probe --json` against a mutagen script (bench/mutagen_probe.py) on a
# corpus of N media files, and checks every duration against a full ffmpeg decode.
#
# Usage: bench/probe.sh N        (run from anywhere; works in bench/out/, which is gitignored)
#
#  1. builds podsmith if build/podsmith is missing;
#  2. once: makes 4 length variants (the fixture's audio 1x..4x, re-encoded with
#     scripts/make-sample-media's settings) of each of seven kinds — MP3 CBR with an Info
#     header, M4A (AAC), Ogg Vorbis, Opus, FLAC, WAV, VBR MP3 without a Xing header
#     (lame -V 5 -t) — and measures each variant's full-decode length like durations.tsv
#     (bench/out/variants/, reused until this section, the corpus-making half of
#     bench/corpus.py or the fixtures change);
#  3. once per N: copies the variants round-robin into bench/out/corpus-N/ and gives each
#     copy its own tags (title "Episode <n>", artist, album, track) in one mutagen process;
#  4. runs each tool (podsmith, podsmith -j 1, mutagen) once untimed (warm page cache),
#     then 3 rounds of timed runs under bench/timed.py (wall clock, user+sys CPU and
#     peak RSS of the command, in microseconds), the tools interleaved so that
#     background load hits them alike (best wall time, best CPU time; peak RSS is the
#     largest of the 3);
#  5. prints the table and what was off (errors, warnings, durations > 50 ms off).
# bench/corpus.py does the mutagen tagging and the report.
#
# Needs: ffmpeg, ffprobe, lame, sox, oggenc, opusenc, flac, python3-mutagen under
# /usr/bin/python3 (scripts/setup --media).
# PODSMITH_BIN=build-x/podsmith times that binary instead of build/podsmith.
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC

N=${1:-}
if ! [[ $N =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: bench/probe.sh N   (number of media files, e.g. 1000)" >&2
    exit 2
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
PY=/usr/bin/python3
# PODSMITH_BIN: the binary to time (default build/podsmith, built if missing).
BIN=${PODSMITH_BIN:-build/podsmith}
OUT=bench/out
F=tests/fixtures/media
RUNS=3

# --- tools -------------------------------------------------------------------------------
missing=()
for tool in ffmpeg ffprobe lame sox oggenc opusenc flac "$PY"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
"$PY" -c 'import mutagen' 2>/dev/null || missing+=("python3-mutagen")
if ((${#missing[@]})); then
    echo "bench/probe.sh: missing: ${missing[*]} (scripts/setup --media installs them)" >&2
    exit 1
fi

if [[ ! -x $BIN && -z ${PODSMITH_BIN:-} ]]; then
    echo "building podsmith..." >&2
    scripts/build build
fi
# Time a private copy, so that a rebuild of build/ during the run cannot change or break it.
mkdir -p "$OUT"
SNAP=$OUT/podsmith.bench
[[ -n ${PODSMITH_BIN:-} ]] && SNAP=$OUT/podsmith.$(basename "$(dirname "$(realpath "$BIN")")").bench
cp "$BIN" "$SNAP.tmp" && mv "$SNAP.tmp" "$SNAP"
if ! "$SNAP" probe --help >/dev/null 2>&1; then
    echo "bench/probe.sh: $BIN does not run (being rebuilt?); try again" >&2
    exit 1
fi

# --- 2. length variants (cached) ---------------------------------------------------------
# Same encoder settings as scripts/make-sample-media.
FF=(ffmpeg -nostdin -hide_banner -v error -y)
BITEXACT=(-map_metadata -1 -map_chapters -1 -fflags +bitexact -flags:a +bitexact)
LAME=(lame --quiet --noreplaygain -m m --resample 22.05)
LENGTHS=4
# kind, fixture, extension
KINDS=(cbr m4a ogg opus flac wav vbr-noxing)
declare -A SRC=([cbr]=cbr.mp3 [m4a]=aac.m4a [ogg]=vorbis.ogg [opus]=opus.opus
                [flac]=flac.flac [wav]=wav.wav [vbr-noxing]=vbr-noxing.mp3)

encode() { # KIND IN.wav OUT
    case $1 in
        cbr)        "${LAME[@]}" -b 64 --cbr "$2" "$3" ;;
        vbr-noxing) "${LAME[@]}" -V 5 -t "$2" "$3" ;;  # -t: no Xing/Info header
        m4a)        "${FF[@]}" -i "$2" "${BITEXACT[@]}" -c:a aac -b:a 32k -ac 1 \
                        -movflags +faststart -threads 1 "$3" ;;
        ogg)        oggenc --quiet -q 0 --serial 8008 -o "$3" "$2" ;;
        opus)       opusenc --quiet --serial 8008 --bitrate 24 "$2" "$3" ;;
        flac)       flac --silent --best --padding=512 -o "$3" "$2" ;;
        wav)        "${FF[@]}" -i "$2" "${BITEXACT[@]}" -c:a pcm_s16le "$3" ;;
    esac
}

# Full-decode length, as make-sample-media made durations.tsv: samples of the decoded mono
# s16 PCM; for MP4 capped at the track's declared length (ffmpeg 5.1 outputs the whole
# last AAC frame). Prints: samples rate duration_ms.
decoded_length() {
    local f=$1 rate bytes n declared
    rate=$(ffprobe -v fatal -select_streams a:0 -show_entries stream=sample_rate -of csv=p=0 "$f")
    bytes=$(ffmpeg -nostdin -v quiet -i "$f" -map 0:a:0 -f s16le -ac 1 - | wc -c)
    n=$((bytes / 2))
    if [[ $(head -c 8 "$f" | tail -c 4 | tr -d '\0') == ftyp ]]; then
        declared=$("$PY" scripts/sample_media_tags.py mp4-samples "$f")
        ((declared < n)) && n=$declared
    fi
    printf '%d\t%d\t%d\n' "$n" "$rate" $(((n * 2000 + rate) / (2 * rate)))
}

V=$OUT/variants
# Cache key: this section, corpus.py's corpus-making half, and the fixtures' bytes.
stamp=$( { sed -n '/^# --- 2\./,/^# --- 3\./p' "$0"; sed '/^def load_json_arrays/q' bench/corpus.py;
           for k in "${KINDS[@]}"; do cat "$F/${SRC[$k]}"; done; } | md5sum | cut -c1-16)
if [[ ! -f $V/variants.tsv || $(cat "$V/stamp" 2>/dev/null) != "$stamp" ]]; then
    echo "making length variants in $V/ (once)..." >&2
    rm -rf "$V"
    mkdir -p "$V/tmp"
    pairs=()
    for kind in "${KINDS[@]}"; do
        src=$F/${SRC[$kind]}
        ext=${src##*.}
        # The fixture's audio as PCM at its own rate (Opus decodes at 48 kHz), cut to its
        # reference length (a decode of aac.m4a has the whole last AAC frame).
        n=$(awk -F'\t' -v p="$src" '$1 == p { print $2 }' "$F/durations.tsv")
        "${FF[@]}" -i "$src" -map 0:a:0 "${BITEXACT[@]}" -af "atrim=end_sample=$n" \
            -c:a pcm_s16le "$V/tmp/$kind-1.wav"
        for ((k = 1; k <= LENGTHS; k++)); do
            parts=()
            for ((j = 0; j < k; j++)); do parts+=("$V/tmp/$kind-1.wav"); done
            ((k > 1)) && sox -D "${parts[@]}" "$V/tmp/$kind-$k.wav"
            encode "$kind" "$V/tmp/$kind-$k.wav" "$V/$kind-$k.$ext"
            pairs+=("$src" "$V/$kind-$k.$ext")
        done
    done
    # The fixture's tags (and FLAC picture) onto each variant, in one process.
    "$PY" bench/corpus.py fixture-tags "${pairs[@]}"
    {
        printf 'kind\tk\tfile\tsamples\tsample_rate_hz\tduration_ms\n'
        for kind in "${KINDS[@]}"; do
            ext=${SRC[$kind]##*.}
            for ((k = 1; k <= LENGTHS; k++)); do
                printf '%s\t%d\t%s\t%s\n' "$kind" "$k" "$V/$kind-$k.$ext" \
                    "$(decoded_length "$V/$kind-$k.$ext")"
            done
        done
    } >"$V/variants.tsv.tmp"
    rm -rf "$V/tmp"
    mv "$V/variants.tsv.tmp" "$V/variants.tsv"
    echo "$stamp" >"$V/stamp"
fi

# --- 3. corpus of N files (cached per N) -------------------------------------------------
C=$OUT/corpus-$N
if [[ ! -f $C/manifest.tsv || $(cat "$C/stamp" 2>/dev/null) != "$stamp" ]]; then
    echo "making $N files in $C/ (once)..." >&2
    rm -rf "$C"
    "$PY" bench/corpus.py make --variants "$V/variants.tsv" --out "$C" "$N"
    echo "$stamp" >"$C/stamp"
fi
mapfile -t files < <(tail -n +2 "$C/manifest.tsv" | cut -f1)
((${#files[@]} == N)) || { echo "bench/probe.sh: $C/manifest.tsv lists ${#files[@]} files, not $N" >&2; exit 1; }
# bench/build.sh only needs the corpus.
[[ ${PODSMITH_BENCH_CORPUS_ONLY:-0} == 1 ]] && exit 0

# --- 4. timed runs -----------------------------------------------------------------------
R=$OUT/results-$N
mkdir -p "$R"
# One invocation per tool if the paths fit comfortably in ARG_MAX (10,000 do); otherwise
# xargs, and the outputs are several JSON arrays one after another.
arg_bytes=$(printf '%s\n' "${files[@]}" | wc -c)
arg_bytes=$((arg_bytes + 8 * N))
single=1
(( arg_bytes * 2 < $(getconf ARG_MAX) )) || single=0

printf '%s\0' "${files[@]}" >"$R/files.list0"
args() { # CMD...: the command line of one run over all files
    if ((single)); then
        printf '%s\0' "$@" "${files[@]}"
    else
        printf '%s\0' xargs -0 -n 4000 -a "$R/files.list0" "$@"
    fi
}

declare -A BEST RSS RC CMD CPU
TOOLS=(podsmith "podsmith -j1" mutagen)
CMD[podsmith]="$SNAP probe --json"
CMD[podsmith -j1]="$SNAP probe --json -j 1"
CMD[mutagen]="$PY bench/mutagen_probe.py"

run_once() { # NAME TIMED(0/1): one run of a tool over all files
    local name=$1 out=$R/${1// /_}.json tf=$R/time.txt
    local -a cmd
    mapfile -d '' -t cmd < <(args ${CMD[$name]})
    if (($2 == 0)); then
        "${cmd[@]}" >"$out" 2>"$out.stderr" || true
        return
    fi
    local rc=0 wall kb u s code cpu sec
    "$PY" bench/timed.py "$tf" "${cmd[@]}" >"$out" 2>"$out.stderr" || rc=$?
    read -r wall u s kb code <"$tf"
    cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", u + s }')
    sec=$(awk -v w="$wall" 'BEGIN { printf "%.3f", w }')
    printf '  %-13s run %d: %s s, CPU %s s (user %s, sys %s), peak RSS %s KB, exit %d\n' \
        "$name" "$i" "$sec" "$cpu" "$u" "$s" "$kb" "$rc" >&2
    if [[ -z ${BEST[$name]:-} ]] || awk -v a="$sec" -v b="${BEST[$name]}" 'BEGIN { exit !(a < b) }'; then
        BEST[$name]=$sec
    fi
    if [[ -z ${CPU[$name]:-} ]] || awk -v a="$cpu" -v b="${CPU[$name]}" 'BEGIN { exit !(a < b) }'; then
        CPU[$name]=$cpu
    fi
    ((kb > ${RSS[$name]:-0})) && RSS[$name]=$kb
    RC[$name]=$rc
    if ((rc != 0 && rc != 1 && rc != 3)); then
        echo "bench/probe.sh: $name exited with $rc: $(head -c 300 "$out.stderr")" >&2
        exit 1
    fi
}

echo "timing $N files ($(nproc) cores; one warm-up run each, then $RUNS rounds, tools interleaved)..." >&2
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for name in "${TOOLS[@]}"; do run_once "$name" 0; done # warm the page cache, untimed
for ((i = 1; i <= RUNS; i++)); do
    for name in "${TOOLS[@]}"; do run_once "$name" 1; done
done

# --- 5. report ---------------------------------------------------------------------------
echo
echo "bench/probe.sh $N — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, commit $(git rev-parse --short HEAD 2>/dev/null || echo "?")$(git diff --quiet HEAD -- src include CMakeLists.txt 2>/dev/null || echo " + uncommitted changes"), $BIN of $(date -u -r "$SNAP" +%H:%M:%SZ) (sha256 $(sha256sum "$SNAP" | cut -c1-12))"
echo "load average before timing: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" bench/corpus.py report --manifest "$C/manifest.tsv" \
    --run "podsmith:${BEST[podsmith]}:${CPU[podsmith]}:${RSS[podsmith]}:$R/podsmith.json" \
    --run "podsmith -j1:${BEST[podsmith -j1]}:${CPU[podsmith -j1]}:${RSS[podsmith -j1]}:$R/podsmith_-j1.json" \
    --run "mutagen:${BEST[mutagen]}:${CPU[mutagen]}:${RSS[mutagen]}:$R/mutagen.json" \
    --ratio podsmith/mutagen --ratio "podsmith -j1/mutagen"
for name in podsmith "podsmith -j1" mutagen; do
    f=$R/${name// /_}.json.stderr
    printf '%s: exit code %d, %d stderr lines' "$name" "${RC[$name]}" "$(wc -l <"$f")"
    [[ -s $f ]] && printf ' (first: %s)' "$(head -n 1 "$f")"
    echo
done
echo "seconds: best wall clock; CPU s: best user+sys; peak RSS: the largest of the runs, MB = MiB"
echo "(bench/timed.py: the command's own rusage, microsecond resolution)"
echo "outputs: $R/"
