#!/usr/bin/env bash
# `cmake --install` of a build puts podsmith, its man pages, its shell completions and
# its copyright and changelog where a Debian tool keeps them, and nothing else.
#   install_test.sh BUILD_DIR SCDOC_FOUND SOURCE_DIR
# Exits 77 (skipped) when the build was configured without scdoc, since the man pages
# are then not built; scripts/setup installs scdoc, so CI always runs it.
set -euo pipefail
build=$1 have_scdoc=$2 source_dir=$3
if [[ $have_scdoc != 1 ]]; then
  echo "skipped: scdoc was not found when $build was configured (apt-get install scdoc)"
  exit 77
fi

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
DESTDIR=$dest "${CMAKE:-cmake}" --install "$build" --prefix /usr >"$dest/install.log" 2>&1 ||
  { cat "$dest/install.log"; exit 1; }

fail=0
problem() { echo "$*"; fail=1; }

# podsmith and every command's man page.
podsmith=$dest/usr/bin/podsmith
[[ -x $podsmith ]] || { echo "usr/bin/podsmith is missing"; exit 1; }
version=$("$podsmith" --version)
mapfile -t commands < <(PYTHONPATH=$source_dir/tests/packaging python3 -B -c \
  'import sys, podsmith_help; print("\n".join(podsmith_help.commands(sys.argv[1])))' "$podsmith")
((${#commands[@]} > 0)) || problem "podsmith --help lists no commands"
expected=(usr/bin/podsmith usr/lib/podsmith/podsmith-serve usr/share/man/man1/podsmith.1.gz
  usr/share/bash-completion/completions/podsmith
  usr/share/zsh/vendor-completions/_podsmith
  usr/share/fish/vendor_completions.d/podsmith.fish
  usr/share/doc/podsmith/copyright usr/share/doc/podsmith/changelog.gz)
for c in "${commands[@]}"; do expected+=("usr/share/man/man1/podsmith-$c.1.gz"); done

for f in "${expected[@]}"; do
  [[ -f $dest/$f ]] || problem "$f is missing"
done
# Nothing else: no headers, no static library, no stray build files.
while IFS= read -r f; do
  f=${f#"$dest"/}
  [[ $f == install.log ]] && continue
  printf '%s\n' "${expected[@]}" | grep -qxF "$f" || problem "$f is installed but not expected"
done < <(find "$dest" -type f -o -type l)

for c in "" "${commands[@]}"; do
  page=podsmith${c:+-$c}
  f=$dest/usr/share/man/man1/$page.1.gz
  [[ -f $f ]] || continue
  zcat "$f" | grep -q "^\.TH \"$page\" \"1\"" || problem "$page.1.gz does not open with .TH \"$page\" \"1\""
  if command -v man >/dev/null; then
    out=$(MANWIDTH=80 man -l "$f" 2>&1) || problem "man -l $page.1.gz failed: $out"
    [[ $out == *EXAMPLES* || -z $c ]] || problem "man $page has no EXAMPLES"
  fi
done

# The changelog's newest entry is this version (lintian reads it from the .deb).
newest=$(zcat "$dest/usr/share/doc/podsmith/changelog.gz" | sed -n '1s/^podsmith (\([^)]*\)).*/\1/p')
[[ "podsmith $newest" == "$version" ]] ||
  problem "packaging/changelog's newest entry is $newest, podsmith --version says $version"

((fail == 0)) && echo "installed ${#expected[@]} files: podsmith, $((${#commands[@]} + 1)) man pages, 3 completions, copyright and changelog"
exit $fail
