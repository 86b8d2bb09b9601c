#!/usr/bin/env bash
# The browser tests of `podsmith serve` and the site (site_test.mjs): copies the
# example workspace into a temporary folder, starts `podsmith serve --port 0
# --no-reload` on it (which builds it, site included), and runs site_test.mjs in
# Debian's chromium. Exit 77 (ctest: skipped, not passed) where chromium, node or
# tests/browser/node_modules are missing or chromium cannot start.
#   run_browser.sh PODSMITH SOURCE_DIR [--fixture-site] [--lighthouse]
# --fixture-site: serve the hand-written tests/fixtures/serve-site as site/ instead
# of the site the build writes (a real test of serve in a browser on its own), with
# the reload script on, and check that editing a sidecar reloads the open page.
set -euo pipefail
podsmith=$1 source=$2
shift 2
fixture=0 args=()
for a in "$@"; do
  case $a in
    --fixture-site) fixture=1 ;;
    *) args+=("$a") ;;
  esac
done
here=$source/tests/browser
chromium=${PODSMITH_CHROMIUM:-/usr/bin/chromium}
skip() { echo "SKIPPED: $*" >&2; exit 77; }
[[ -x $chromium ]] || skip "no chromium at $chromium (scripts/setup installs Debian's)"
command -v node >/dev/null || skip "no node (scripts/setup-judges installs it)"
[[ -e $here/node_modules/playwright-core/package.json ]] || skip "tests/browser/node_modules is missing (run scripts/setup-judges)"

work=$(mktemp -d)
serve_pid=
cleanup() {
  [[ -n $serve_pid ]] && kill -INT "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/feeds"
cp "$source"/feeds/*.toml "$work/feeds/"
cp -r "$source/media" "$work/media"
[[ -d $source/theme ]] && cp -r "$source/theme" "$work/theme"
if ((fixture)); then
  cp -r "$source/tests/fixtures/serve-site" "$work/site"
fi

# The site as published (--no-reload), except for the fixture site, which also checks
# that an edit reloads the open page (the reload script, the event stream).
serve_args=(--no-reload)
if ((fixture)); then
  serve_args=()
  args+=(--reload-check)
fi
"$podsmith" serve --port 0 "${serve_args[@]}" --log-requests -C "$work" >"$work/serve.log" 2>&1 &
serve_pid=$!
url=
for _ in $(seq 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$work/serve.log" | head -1 || true)
  [[ -n $url ]] && break
  kill -0 "$serve_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z $url ]]; then
  echo "podsmith serve did not start:" >&2
  cat "$work/serve.log" >&2
  exit 1
fi
if [[ ! -e $work/site/sitemap.xml ]]; then
  echo "FAIL: the build wrote no site/sitemap.xml (is the site generator in this build?)" >&2
  grep -v '^GET\|^HEAD' "$work/serve.log" >&2 || true
  exit 1
fi
status=0
node "$here/site_test.mjs" "${url%/}" "$work" "${args[@]}" || status=$?
if ((status == 1)); then
  echo "--- podsmith serve's log ---" >&2
  tail -n 40 "$work/serve.log" >&2
fi
exit $status
