#!/usr/bin/env bash
# Benchmarks `podsmith master` against ffmpeg doing the same job the way ffmpeg-normalize
# does it, and `podsmith probe --loudness` against ffmpeg's ebur128 filter, on a long
# speech master (issue 14 §6).
#
# Usage: bench/master.sh [MINUTES]     (default 60; works in bench/out/, which is gitignored)
#
#  1. once per length: a speech master, stereo 44.1 kHz 16-bit WAV: espeak-ng reads a
#     few paragraphs (22.05 kHz mono), sox repeats them to MINUTES, makes the right
#     channel 2 dB quieter and resamples (bench/out/master-<MINUTES>min.wav);
#  2. podsmith master MASTER -o podsmith.mp3 --bitrate 128k --target -16 --true-peak -1;
#  3. the ffmpeg pair: pass 1 `loudnorm=I=-16:TP=-1:LRA=7:print_format=json` to measure,
#     pass 2 `loudnorm` with the measured values and linear=true, at the master's rate,
#     libmp3lame 128k (what ffmpeg-normalize runs);
#  4. both outputs judged by ffmpeg's `ebur128=peak=true` (integrated loudness, true peak);
#  5. `podsmith probe --loudness MASTER` vs `ffmpeg -i MASTER -af ebur128=peak=true -f null -`.
# Times are wall clock and user+sys CPU of each command (GNU time), one run each.
# Needs espeak-ng, sox, ffmpeg, GNU time (/usr/bin/time); PODSMITH_BIN (default
# build/podsmith, a copy of which is timed).
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC
minutes=${1:-60}
[[ $minutes =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/master.sh [MINUTES]" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out=bench/out/master
mkdir -p "$out"
BIN=${PODSMITH_BIN:-build/podsmith}
[[ -x $BIN ]] || PODSMITH_TARGET=podsmith scripts/build build
cp "$BIN" "$out/podsmith.bench"
podsmith=$out/podsmith.bench
for tool in espeak-ng sox ffmpeg /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench/master.sh: missing $tool (scripts/setup --media)" >&2; exit 1; }
done

master=$out/master-${minutes}min.wav
if [[ ! -f $master ]]; then
  cat > "$out/speech.txt" <<'TEXT'
Welcome back to the show. Today we talk about how a podcast episode goes from a recording
to the file that listeners download. The recording is the master. It is usually a WAV or
a FLAC file, made at forty four point one or forty eight kilohertz, in stereo, with plenty
of headroom. Before it is published, it is brought to a loudness that the directories
expect: minus sixteen L U F S for Apple Podcasts, with the true peak at or below minus one
decibel. Then it is encoded, usually as an MP3 at one hundred and twenty eight kilobits per
second, and the encoded file is checked again, because the encoder moves the peaks.
Our guest today has been doing this for ten years. She started with a handheld recorder in
a student radio station, and now runs a network of twelve shows. Let us hear how she does it.
TEXT
  espeak-ng -v en-us -s 160 -f "$out/speech.txt" -w "$out/speech.wav"
  seconds=$(soxi -D "$out/speech.wav")
  repeats=$(awk -v s="$seconds" -v m="$minutes" 'BEGIN { print int(m * 60 / s) + 1 }')
  sox -D "$out/speech.wav" "$out/left.wav" repeat "$repeats" trim 0 "$((minutes * 60))" rate 44100
  sox -D "$out/left.wav" "$out/right.wav" gain -2
  sox -D -M "$out/left.wav" "$out/right.wav" -b 16 "$master.tmp.wav"
  mv "$master.tmp.wav" "$master"
  rm -f "$out/left.wav" "$out/right.wav"
fi

# timed NAME CMD...: runs CMD, records "wall cpu" seconds in $out/NAME.time
timed() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S" -o "$out/$name.time.raw" "$@" > "$out/$name.out" 2> "$out/$name.err"
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$out/$name.time.raw" > "$out/$name.time"
}
# judge FILE: "I TP" from ffmpeg's ebur128 summary
judge() {
  ffmpeg -nostdin -hide_banner -nostats -i "$1" -af ebur128=peak=true -f null - 2>&1 |
    awk '/I:/ { i = $2 } /Peak:/ { p = $2 } END { print i, p }'
}

cat /dev/null > /dev/null < "$master"  # warm the page cache
rm -f "$out/podsmith.mp3" "$out/ffmpeg.mp3"
timed podsmith_master "$podsmith" master "$master" -o "$out/podsmith.mp3" --bitrate 128k --target -16 --true-peak -1
timed ffmpeg_pass1 ffmpeg -nostdin -hide_banner -nostats -i "$master" \
  -af loudnorm=I=-16:TP=-1:LRA=7:print_format=json -f null -
measured() { grep "\"$1\"" "$out/ffmpeg_pass1.err" | sed 's/.*: "\(.*\)".*/\1/'; }
rate=$(ffprobe -v error -show_entries stream=sample_rate -of csv=p=0 "$master")
filter="loudnorm=I=-16:TP=-1:LRA=7:measured_I=$(measured input_i):measured_TP=$(measured input_tp)"
filter+=":measured_LRA=$(measured input_lra):measured_thresh=$(measured input_thresh)"
filter+=":offset=$(measured target_offset):linear=true:print_format=json"
timed ffmpeg_pass2 ffmpeg -nostdin -hide_banner -nostats -y -i "$master" -af "$filter" -ar "$rate" \
  -c:a libmp3lame -b:a 128k "$out/ffmpeg.mp3"
normalization=$(grep '"normalization_type"' "$out/ffmpeg_pass2.err" | sed 's/.*: "\(.*\)".*/\1/')
timed podsmith_probe "$podsmith" probe --loudness "$master"
timed ffmpeg_ebur128 ffmpeg -nostdin -hide_banner -nostats -i "$master" -af ebur128=peak=true -f null -

read -r p_wall p_cpu < "$out/podsmith_master.time"
read -r f1_wall f1_cpu < "$out/ffmpeg_pass1.time"
read -r f2_wall f2_cpu < "$out/ffmpeg_pass2.time"
read -r q_wall q_cpu < "$out/podsmith_probe.time"
read -r e_wall e_cpu < "$out/ffmpeg_ebur128.time"
read -r p_i p_tp <<< "$(judge "$out/podsmith.mp3")"
read -r f_i f_tp <<< "$(judge "$out/ffmpeg.mp3")"
read -r m_i m_tp <<< "$(judge "$master")"
probe_line=$(grep loudness "$out/podsmith_probe.out" | sed 's/^ *loudness *//')

echo "master: $master ($minutes min, stereo 44.1 kHz WAV; ffmpeg ebur128: I $m_i LUFS, true peak $m_tp dBTP)"
echo "host: $(nproc) cores, $(uname -sr); one run each; CPU = user + sys"
echo
printf '%-44s %9s %9s %12s %10s\n' "job" "wall s" "CPU s" "I (LUFS)" "TP (dBTP)"
printf '%-44s %9s %9s %12s %10s\n' "podsmith master (mp3 128k)" "$p_wall" "$p_cpu" "$p_i" "$p_tp"
printf '%-44s %9s %9s %12s %10s\n' "ffmpeg loudnorm pass 1 (measure)" "$f1_wall" "$f1_cpu" "" ""
printf '%-44s %9s %9s %12s %10s\n' "ffmpeg loudnorm pass 2 ($normalization) + libmp3lame" "$f2_wall" "$f2_cpu" "$f_i" "$f_tp"
f_wall=$(awk -v a="$f1_wall" -v b="$f2_wall" 'BEGIN { printf "%.2f", a + b }')
f_cpu=$(awk -v a="$f1_cpu" -v b="$f2_cpu" 'BEGIN { printf "%.2f", a + b }')
printf '%-44s %9s %9s\n' "ffmpeg pair, total" "$f_wall" "$f_cpu"
awk -v fw="$f_wall" -v fc="$f_cpu" -v pw="$p_wall" -v pc="$p_cpu" \
  'BEGIN { printf "podsmith master vs the ffmpeg pair: %.2fx faster (wall), %.2fx (CPU)\n", fw / pw, fc / pc }'
echo
printf '%-44s %9s %9s\n' "podsmith probe --loudness" "$q_wall" "$q_cpu"
printf '%-44s %9s %9s\n' "ffmpeg -af ebur128=peak=true -f null -" "$e_wall" "$e_cpu"
awk -v ew="$e_wall" -v ec="$e_cpu" -v qw="$q_wall" -v qc="$q_cpu" \
  'BEGIN { printf "probe --loudness vs ffmpeg ebur128: %.2fx faster (wall), %.2fx (CPU)\n", ew / qw, ec / qc }'
echo "podsmith probe --loudness says: $probe_line"
