#!/usr/bin/env python3
"""Checks that includes point down the stack of subsystems only.

Usage: check_layers.py --root DIR LAYER...   (bottom layer first, as CMake's PODSMITH_LAYERS)

Reads every #include "..." in src/<layer>/ and include/podsmith/<layer>/ (and the
umbrella header include/podsmith/<layer>.h). A file may include its own subsystem and
those listed before it. Prints file:line for each include that points up, for each pair
of subsystems that include each other, and for any folder that is not a listed layer;
exits 1 when there is one, 0 otherwise.
"""
import argparse
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def layer_of_include(name, layers):
    """The subsystem a quoted include names, or None for one outside the layers."""
    parts = name.split("/")
    if parts[0] == "podsmith" and len(parts) >= 2:
        head = parts[1][:-2] if len(parts) == 2 and parts[1].endswith(".h") else parts[1]
        return head if head in layers else None
    if len(parts) >= 2 and parts[0] in layers:
        return parts[0]
    return None


def source_files(root, layers, problems):
    """Yields (path relative to root, layer) for every file of every subsystem."""
    for base in ("src", os.path.join("include", "podsmith")):
        top = os.path.join(root, base)
        if not os.path.isdir(top):
            continue
        for entry in sorted(os.listdir(top)):
            path = os.path.join(top, entry)
            if os.path.isdir(path):
                if entry not in layers:
                    problems.append(f"{os.path.join(base, entry)}/: not a subsystem of the stack "
                                    f"({' '.join(layers)}); add it to PODSMITH_LAYERS in CMakeLists.txt")
                    continue
                for dirpath, _, files in os.walk(path):
                    for f in sorted(files):
                        yield os.path.relpath(os.path.join(dirpath, f), root), entry
            elif entry.endswith(".h") and entry[:-2] in layers:
                yield os.path.relpath(path, root), entry[:-2]
            else:
                problems.append(f"{os.path.join(base, entry)}: outside every subsystem folder")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("layers", nargs="+")
    args = parser.parse_args()
    layers = args.layers
    rank = {name: i for i, name in enumerate(layers)}
    problems = []
    edges = {}  # (from, to) -> first "file:line"
    for rel, layer in source_files(args.root, layers, problems):
        with open(os.path.join(args.root, rel), encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = layer_of_include(m.group(1), layers)
                if target is None or target == layer:
                    continue
                edges.setdefault((layer, target), f"{rel}:{number}")
                if rank[target] > rank[layer]:
                    problems.append(f"{rel}:{number}: {layer} includes \"{m.group(1)}\" of {target}, "
                                    f"which sits above it (bottom to top: {' '.join(layers)})")
    for (a, b), where in sorted(edges.items()):
        if a < b and (b, a) in edges:
            problems.append(f"{where}: {a} and {b} include each other (also {edges[(b, a)]})")
    for p in problems:
        print(p)
    if problems:
        print(f"check_layers: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"check_layers: {len(edges)} edges between {len(layers)} subsystems, all pointing down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
