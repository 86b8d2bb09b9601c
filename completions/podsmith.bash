# bash completion for podsmith                                  -*- shell-script -*-
#
# Installed as share/bash-completion/completions/podsmith, which bash-completion loads
# the first time podsmith's arguments are completed. Kept by hand beside the commands:
# tests/packaging/check_completions.py fails when a command or option that
# `podsmith --help` lists is missing here.

# Feed names of the workspace: feeds/NAME.toml under the -C/--root given, else here.
_podsmith_feeds() {
  local root=. i f
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      -C | --root) root=${COMP_WORDS[i + 1]} ;;
      --root=*) root=${COMP_WORDS[i]#--root=} ;;
    esac
  done
  for f in "$root"/feeds/*.toml; do
    [[ -e $f ]] || continue
    f=${f##*/}
    printf '%s\n' "${f%.toml}"
  done
}

_podsmith() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local command="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      -*) ;;
      *) command=${COMP_WORDS[i]}; break ;;
    esac
  done
  COMPREPLY=()
  if [[ -z $command ]]; then
    mapfile -t COMPREPLY < <(compgen -W "init add build import lint publish serve probe master tag -h --help --version" -- "$cur")
    return
  fi

  # The value of an option that takes one.
  case $prev in
    --format)
      mapfile -t COMPREPLY < <(compgen -W "text json github" -- "$cur")
      return ;;
    --type)
      mapfile -t COMPREPLY < <(compgen -W "full trailer bonus" -- "$cur")
      return ;;
    --rules)
      mapfile -t COMPREPLY < <(compgen -W "rss apple psp1 podcastindex spotify" -- "$cur")
      return ;;
    --feed)
      mapfile -t COMPREPLY < <(compgen -W "$(_podsmith_feeds)" -- "$cur")
      return ;;
    -C | --root)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      return ;;
    --notes)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return ;;
    --title | --base-url | --name | --author | --email | --language | --date | --season | \
      --episode | -j | --jobs | --parallel | --limit-rate | -p | --port | --host)
      return ;;
  esac

  local opts
  case $command in
    init)
      opts="-h --help --title --base-url --name --author --email --language"
      ;;
    add)
      opts="-h --help --feed --notes --title --date --season --episode --type --master -C --root"
      ;;
    build)
      opts="-h --help --feed -n --dry-run --no-cache --json --lint --format -j --jobs -C --root"
      ;;
    import)
      opts="-h --help --name --base-url --force --download -j --jobs -C --root"
      ;;
    lint)
      opts="-h --help --rules --format --online --strict -j --jobs --list-rules"
      ;;
    publish)
      opts="-h --help --feed -n --dry-run --no-build --verify-remote --force --accept-new-host-key --limit-rate -j --parallel --json -C --root"
      ;;
    serve)
      opts="-h --help -p --port --host --no-reload --log-requests -C --root"
      ;;
    probe)
      opts="-h --help --json --loudness -j --jobs"
      ;;
    master)
      opts="-h --help -o --output --target --true-peak --format --bitrate --mono --json -n --dry-run"
      ;;
    tag)
      opts="-h --help -n --dry-run --json -C --root"
      ;;
    *)
      return ;;
  esac
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
    return
  fi
  # Arguments: a directory for init, files for the rest (media, feeds); none for build
  # and publish.
  case $command in
    init)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      ;;
    add | probe | lint | import | master | tag)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      ;;
  esac
}

complete -F _podsmith podsmith
