"""What `podsmith --help` and `podsmith COMMAND --help` say, read from the built
binary: the commands, each command's options and its examples. The packaging tests
compare the man pages and the shell completions against it, so neither can drift
from the command line."""

import re
import subprocess


def help_text(binary, command=None):
    args = [binary] + ([command] if command else []) + ["--help"]
    out = subprocess.run(args, check=True, capture_output=True, text=True,
                         env={"NO_COLOR": "1", "COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    return out.stdout


def _section(text, title):
    """The lines of a help section ("Options:", "Subcommands:") up to the next blank line."""
    lines = text.splitlines()
    try:
        start = lines.index(title) + 1
    except ValueError:
        return []
    out = []
    for line in lines[start:]:
        if not line.strip():
            break
        out.append(line)
    return out


def commands(binary):
    """The subcommands `podsmith --help` lists, in its order."""
    return [line.split()[0] for line in _section(help_text(binary), "Subcommands:")
            if re.match(r"^  \S", line)]


def options(binary, command=None):
    """Every option of a command (or of podsmith itself) as written in its help:
    ["-h", "--help", "--feed", "-n", "--dry-run", ...]."""
    found = []
    for line in _section(help_text(binary, command), "Options:"):
        m = re.match(r"^  (-\w)?,?(--[a-z0-9][a-z0-9-]*)?", line)
        if not m:
            continue  # a description carried over to the next line
        found += [o for o in m.groups() if o]
    return found


def long_options(binary, command=None):
    return [o for o in options(binary, command) if o.startswith("--")]


def examples(binary, command=None):
    """The lines under "Example:" or "Examples:", without their indentation."""
    lines = help_text(binary, command).splitlines()
    for title in ("Examples:", "Example:"):
        if title in lines:
            return [line[2:] for line in _section("\n".join(lines), title)]
    return []
