#!/usr/bin/env python3
"""Checks docs/man/*.scd against the built podsmith: there is a page for podsmith and
for every command and no page for a command that does not exist, each page's
EXAMPLES are exactly the examples its --help prints, in order, and its OPTIONS name
every option --help lists. Prints each difference and exits 1 when there is one.

    check_man_pages.py PODSMITH SOURCE_DIR
"""

import pathlib
import re
import sys

import podsmith_help


def man_section(text, title):
    """The lines of "# TITLE" in an scdoc source, up to the next "# " heading."""
    m = re.search(r"^# " + re.escape(title) + r"\n(.*?)(?=^# |\Z)", text, re.S | re.M)
    return m.group(1) if m else None


def literal_lines(section):
    """The lines inside the ``` blocks of a section."""
    out, inside = [], False
    for line in section.splitlines():
        if line.strip() == "```":
            inside = not inside
        elif inside:
            out.append(line)
    return out


def main():
    binary, root = sys.argv[1], pathlib.Path(sys.argv[2]).resolve()
    problems = []
    commands = podsmith_help.commands(binary)
    if not commands:
        problems.append(f"{binary} --help lists no commands")
    pages = {None: root / "docs/man/podsmith.1.scd"}
    pages.update({c: root / f"docs/man/podsmith-{c}.1.scd" for c in commands})
    for extra in sorted(set((root / "docs/man").glob("*.scd")) - set(pages.values())):
        problems.append(f"{extra}: no podsmith command is called {extra.name[:-6].removeprefix('podsmith-')}")

    for command, page in pages.items():
        name = "podsmith" + (f" {command}" if command else "")
        if not page.exists():
            problems.append(f"{page}: missing (the man page of '{name}')")
            continue
        text = page.read_text()
        if not text.startswith(page.name[:-4].replace(".1", "(1)") + "\n"):
            problems.append(f"{page}:1: the first line must be {page.name[:-6]}(1)")

        want = podsmith_help.examples(binary, command)
        section = man_section(text, "EXAMPLES")
        have = literal_lines(section) if section is not None else []
        if section is None and want:
            problems.append(f"{page}: no EXAMPLES section; '{name} --help' has {len(want)} examples")
        elif have != want:
            problems.append(f"{page}: EXAMPLES differ from '{name} --help':\n"
                            + "".join(f"    --help: {line}\n" for line in want)
                            + "".join(f"    page:   {line}\n" for line in have).rstrip("\n"))

        section = man_section(text, "OPTIONS") or ""
        for option in podsmith_help.options(binary, command):
            if f"*{option}*" not in section:
                problems.append(f"{page}: OPTIONS does not describe {option} of '{name}'")

    for p in problems:
        print(p)
    print(f"checked {len(pages)} man pages against {binary} --help: "
          + (f"{len(problems)} problems" if problems else "they agree"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
