#!/usr/bin/env python3
"""Checks completions/ against the built podsmith: each of the bash, zsh and fish
files offers every command `podsmith --help` lists and, for each command, every
option its --help lists. The files are read as text, section by section (a case
branch per command in bash and zsh, a condition per command in fish); bash's
completion function is also run, and so are fish's and zsh's completions where
those shells are installed (zsh's in an interactive zsh on a pseudo-terminal, as a
user presses TAB). Prints each gap and exits 1 when there is one.

    check_completions.py PODSMITH SOURCE_DIR
"""

import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import podsmith_help

# zsh -f ZSH_SCRIPT DIR LINE: types LINE and a TAB into an interactive zsh whose
# completions come from DIR, and prints the screen, where zsh lists the candidates as
# "--dry-run  -n  @@ description". It waits for that list before it types on: zle
# lists nothing while more keys are waiting.
ZSH_SCRIPT = r"""
zmodload zsh/zpty
dump=${TMPDIR:-/tmp}/podsmith-zcompdump-$$
zpty z zsh -f -i
zpty -w z "stty columns 250 rows 200; unsetopt prompt_sp prompt_cr; PS1='>'; LISTMAX=0; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -d $dump; bindkey -e; zstyle ':completion:*' list-separator '@@'; print R\${:-EADY}1"
zpty -r -m z out '*READY1*'
zpty -w -n z "$2"$'\t'
zpty -r -m z listed '*@@*'
zpty -w z $'\C-uprint R${:-EADY}2'
zpty -r -m z rest '*READY2*'
zpty -d z
rm -f $dump
print -r -- "$listed$rest"
"""


def case_branches(text, command):
    """bash and zsh: the text of every `case` branch whose patterns include `command`,
    from its label to its `;;`."""
    out = []
    for m in re.finditer(r"^\s*\(?([\w| ]+)\)\s*$", text, re.M):
        if command in [p.strip() for p in m.group(1).split("|")]:
            end = text.find(";;", m.end())
            out.append(text[m.end():end if end >= 0 else len(text)])
    return "\n".join(out)


def shell_words(section):
    return set(re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", section))


def fish_options(text, condition):
    """The options fish offers under a condition: -s X becomes -X, -l NAME --NAME."""
    found = set()
    for line in text.splitlines():
        if not line.startswith("complete ") or condition(line) is False:
            continue
        found |= {"-" + s for s in re.findall(r"\s-s (\w)\b", line)}
        found |= {"--" + name for name in re.findall(r"\s-l ([\w-]+)", line)}
    return found


def fish_condition(command):
    def matches(line):
        m = re.search(r"-n ['\"]([^'\"]*)['\"]", line)
        if not m:
            return True  # no condition: offered everywhere
        cond = m.group(1)
        if command is None:
            return cond.startswith("not __fish_seen_subcommand_from")
        return bool(re.fullmatch(r"__fish_seen_subcommand_from " + re.escape(command), cond))
    return matches


def run_bash(path, words):
    """The completions bash's function gives for the last of `words`."""
    script = ('source "$1" || exit 1; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); '
              '_podsmith; printf "%s\\n" "${COMPREPLY[@]}"')
    out = subprocess.run(["bash", "--noprofile", "--norc", "-c", script, "bash", str(path)] + words,
                         check=True, capture_output=True, text=True, cwd="/")
    return set(out.stdout.split())


def run_fish(path, line):
    out = subprocess.run(["fish", "--no-config", "-c", 'source $argv[1]; complete -C"$argv[2]"',
                          str(path), line], check=True, capture_output=True, text=True, cwd="/")
    return {entry.split("\t")[0] for entry in out.stdout.splitlines()}


def run_zsh(path, line):
    with tempfile.NamedTemporaryFile("w", suffix=".zsh") as script:
        script.write(ZSH_SCRIPT)
        script.flush()
        try:
            out = subprocess.run(["zsh", "-f", script.name, str(path.parent), line], check=True,
                                 capture_output=True, text=True, cwd="/", timeout=20).stdout
        except subprocess.TimeoutExpired:
            return set()  # zsh listed nothing to complete
    found = set()
    for screen_line in re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]|\r", "", out).splitlines():
        if " @@ " in screen_line:
            found |= {w for w in screen_line.split(" @@ ")[0].split() if re.fullmatch(r"-?-?[\w-]+", w)}
    return found


def main():
    binary, root = sys.argv[1], pathlib.Path(sys.argv[2]).resolve()
    bash_file = root / "completions/podsmith.bash"
    zsh_file = root / "completions/_podsmith"
    fish_file = root / "completions/podsmith.fish"
    problems = []
    commands = podsmith_help.commands(binary)
    top_options = podsmith_help.options(binary)
    per_command = {c: podsmith_help.options(binary, c) for c in commands}
    if not commands:
        problems.append(f"{binary} --help lists no commands")

    texts = {}
    for f in (bash_file, zsh_file, fish_file):
        if not f.exists():
            problems.append(f"{f}: missing")
        texts[f] = f.read_text() if f.exists() else ""

    # What each file says, read as text.
    bash, zsh, fish = texts[bash_file], texts[zsh_file], texts[fish_file]
    top_bash = re.search(r'compgen -W "([^"]*)"', bash)
    offered = {
        bash_file: (set(top_bash.group(1).split()) if top_bash else set(),
                    lambda c: shell_words(case_branches(bash, c))),
        zsh_file: (set(re.findall(r"^\s*'(\w+):", zsh, re.M)) | shell_words(zsh.split("case $state")[0]),
                   lambda c: shell_words(case_branches(zsh.split("case $words[1]")[-1], c))),
        fish_file: (set(re.findall(r"not __fish_seen_subcommand_from \$commands\"? -a (\w+)", fish))
                    | fish_options(fish, fish_condition(None)),
                    lambda c: fish_options(fish, fish_condition(c))),
    }
    for f, (top, of_command) in offered.items():
        for word in commands + top_options:
            if word not in top:
                problems.append(f"{f}: 'podsmith {word}' is not offered")
        for c in commands:
            have = of_command(c)
            for option in per_command[c]:
                if option not in have:
                    problems.append(f"{f}: 'podsmith {c} {option}' is not offered")

    # And what the shells make of them.
    top = run_bash(bash_file, ["podsmith", ""]) | run_bash(bash_file, ["podsmith", "-"])
    for word in commands + top_options:
        if word not in top:
            problems.append(f"bash: completing 'podsmith ' does not offer {word}")
    for c in commands:
        have = run_bash(bash_file, ["podsmith", c, "-"])
        for option in per_command[c]:
            if option not in have:
                problems.append(f"bash: completing 'podsmith {c} -' does not offer {option}")
    shells = ["bash"]
    if shutil.which("fish"):
        shells.append("fish")
        top = run_fish(fish_file, "podsmith ") | run_fish(fish_file, "podsmith -")
        for word in commands + top_options:
            if word not in top:
                problems.append(f"fish: completing 'podsmith ' does not offer {word}")
        for c in commands:
            have = run_fish(fish_file, f"podsmith {c} -")
            for option in per_command[c]:
                if option not in have:
                    problems.append(f"fish: completing 'podsmith {c} -' does not offer {option}")
    if shutil.which("zsh"):
        shells.append("zsh")
        r = subprocess.run(["zsh", "-n", str(zsh_file)], capture_output=True, text=True)
        if r.returncode != 0:
            problems.append(f"{zsh_file}: zsh -n: {r.stderr.strip()}")
        top = run_zsh(zsh_file, "podsmith ") | run_zsh(zsh_file, "podsmith -")
        for word in commands + top_options:
            if word not in top:
                problems.append(f"zsh: completing 'podsmith ' does not offer {word}")
        for c in commands:
            have = run_zsh(zsh_file, f"podsmith {c} -")
            for option in per_command[c]:
                if option not in have:
                    problems.append(f"zsh: completing 'podsmith {c} -' does not offer {option}")

    for p in problems:
        print(p)
    print(f"checked {len(commands)} commands and their options in 3 completion files "
          f"(run by {', '.join(shells)}): " + (f"{len(problems)} problems" if problems else "all offered"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
