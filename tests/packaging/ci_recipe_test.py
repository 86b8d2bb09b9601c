#!/usr/bin/env python3
"""Runs the CI recipes of docs/ci/ on a copy of the example workspace, so they cannot
rot: the shell steps of github-actions.yml (its `run:` steps) and of gitlab-ci.yml (its
jobs' `script:` lines), in order, with the podsmith under test on PATH instead of the
install step, and `podsmith publish` made `podsmith publish --dry-run`. Also checks
what the recipes promise: the build lints (with GitHub annotations on GitHub), and
publishing happens only on the main branch. Exits 1 on any failure.

    ci_recipe_test.py PODSMITH SOURCE_DIR

The recipes are read line by line, not by a YAML library (none is installed where
the tests run): a step is a `- ` item under `steps:`, its script a `run: |` block or a
one-line `run:`; a GitLab job is a top-level key with a `script:` list of one-line
commands.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile


def indent(line):
    return len(line) - len(line.lstrip(" "))


def block(lines, i, parent_indent):
    """The lines after lines[i] that are indented deeper than `parent_indent` (blank
    lines included), dedented; and the index after them."""
    out, j = [], i + 1
    while j < len(lines) and (not lines[j].strip() or indent(lines[j]) > parent_indent):
        out.append(lines[j])
        j += 1
    while out and not out[-1].strip():
        out.pop()
    depth = min((indent(line) for line in out if line.strip()), default=0)
    return [line[depth:] for line in out], j


def github_steps(text):
    """[{name, if, uses, run}] of the steps of every job, in order."""
    lines = text.splitlines()
    steps = []
    for i, line in enumerate(lines):
        if line.strip() != "steps:":
            continue
        body, _ = block(lines, i, indent(line))
        step = None
        k = 0
        while k < len(body):
            entry = body[k]
            if entry.startswith("- "):
                step = {}
                steps.append(step)
                entry = "  " + entry[2:]
            m = re.match(r"^  (name|if|uses|run):\s*(.*)$", entry)
            if step is not None and m:
                key, value = m.groups()
                if key == "run" and value in ("|", ">"):
                    script, after = block(body, k, 2)
                    step["run"] = "\n".join(script) + "\n"
                    k = after
                    continue
                step[key] = value
            k += 1
    return steps


def gitlab_jobs(text):
    """[(job, [script lines], rules text)] in the order of the file; the keys that are
    not jobs (default, stages, variables, ...) have no script and are left out."""
    lines = text.splitlines()
    jobs = []
    for i, line in enumerate(lines):
        m = re.match(r"^([\w-]+):\s*$", line)
        if not m:
            continue
        body, _ = block(lines, i, 0)
        script, rules = None, ""
        for k, entry in enumerate(body):
            if entry == "script:":
                items, _ = block(body, k, 0)
                script = [item[2:] for item in items if item.startswith("- ")]
            if entry == "rules:":
                rules = "\n".join(block(body, k, 0)[0])
        if script is not None:
            jobs.append((m.group(1), script, rules))
    return jobs


def dry_run(script):
    return re.sub(r"\bpodsmith publish\b", "podsmith publish --dry-run", script)


class Workspace:
    """A temporary copy of the example workspace's inputs, with a [publish] table (the
    example has none; a recipe's publish needs one), and podsmith on PATH."""

    def __init__(self, binary, root):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="podsmith-ci-"))
        self.work = self.dir / "workspace"
        (self.work / "feeds").mkdir(parents=True)
        shutil.copy(root / "feeds/channel8.toml", self.work / "feeds")
        shutil.copytree(root / "media", self.work / "media")
        with open(self.work / "feeds/channel8.toml", "a") as f:
            f.write('\n[publish]\ntarget = "sftp://deploy@podcast.example.org/var/www/channel8"\n')
        (self.dir / "bin").mkdir()
        (self.dir / "bin/podsmith").symlink_to(pathlib.Path(binary).resolve())
        (self.dir / "home").mkdir()
        self.env = {"PATH": f"{self.dir / 'bin'}:/usr/bin:/bin", "HOME": str(self.dir / "home"),
                    "LC_ALL": "C.UTF-8", "TZ": "UTC", "NO_COLOR": "1"}

    def run(self, script, secrets):
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                              cwd=self.work, env={**self.env, **secrets}, capture_output=True, text=True,
                              timeout=120)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    binary, root = sys.argv[1], pathlib.Path(sys.argv[2]).resolve()
    expected_feed = (root / "feeds/channel8.xml").read_bytes()
    problems = []

    def check_run(ws, recipe, what, script, secrets, outputs):
        r = ws.run(dry_run(script), secrets)
        print(f"{recipe}: {what}: exit {r.returncode}")
        for line in (r.stdout + r.stderr).splitlines():
            print(f"    {line}")
        if r.returncode != 0:
            problems.append(f"{recipe}: {what} failed with exit code {r.returncode}")
        outputs.append(r.stdout + r.stderr)

    def check_results(ws, recipe, outputs):
        everything = "".join(outputs)
        feed = ws.work / "feeds/channel8.xml"
        if not feed.exists() or feed.read_bytes() != expected_feed:
            problems.append(f"{recipe}: feeds/channel8.xml is not the example's feed after the recipe ran")
        if "would upload feeds/channel8.xml" not in everything or "dry run: nothing was uploaded" not in everything:
            problems.append(f"{recipe}: no step published (as a dry run) the example's feed")
        if "cannot read the SSH key" in everything:
            problems.append(f"{recipe}: the SSH key from the secret store did not reach podsmith publish")

    # GitHub Actions.
    recipe = root / "docs/ci/github-actions.yml"
    steps = github_steps(recipe.read_text())
    install = [s for s in steps if s.get("name") == "Install podsmith"]
    if not install or "apt-get install" not in install[0].get("run", ""):
        problems.append(f"{recipe}: no step 'Install podsmith' that installs the package with apt-get")
    runs = [s for s in steps if "run" in s and s.get("name") != "Install podsmith"]
    for s in runs:
        if re.search(r"\bpodsmith build\b", s["run"]):
            if "if" in s:
                problems.append(f"{recipe}: step '{s.get('name')}' builds, but only if {s['if']}")
            if "--lint" not in s["run"] or "--format github" not in s["run"]:
                problems.append(f"{recipe}: step '{s.get('name')}' builds without --lint --format github")
        if re.search(r"\bpodsmith publish\b", s["run"]) and "refs/heads/main" not in s.get("if", ""):
            problems.append(f"{recipe}: step '{s.get('name')}' publishes on any branch")
    ws = Workspace(binary, root)
    try:
        outputs = []
        # A secret as GitHub gives it: the key itself, in the step's environment.
        secrets = {"SSH_PRIVATE_KEY": "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n"
                                      "-----END OPENSSH PRIVATE KEY-----"}
        for s in runs:
            check_run(ws, "github-actions.yml", f"step '{s.get('name', '?')}'", s["run"], secrets, outputs)
        if "::error" in "".join(outputs):
            problems.append("github-actions.yml: the example workspace got error annotations")
        check_results(ws, "github-actions.yml", outputs)
    finally:
        ws.close()

    # GitLab CI.
    recipe = root / "docs/ci/gitlab-ci.yml"
    jobs = gitlab_jobs(recipe.read_text())
    if not jobs:
        problems.append(f"{recipe}: no job with a script")
    for job, script, rules in jobs:
        text = "\n".join(script)
        if re.search(r"\bpodsmith publish\b", text) and '$CI_COMMIT_BRANCH == "main"' not in rules:
            problems.append(f"{recipe}: job '{job}' publishes on any branch")
        if re.search(r"\bpodsmith build\b", text) and "--lint" not in text:
            problems.append(f"{recipe}: job '{job}' builds without --lint")
    ws = Workspace(binary, root)
    try:
        outputs = []
        # A variable of type File as GitLab gives it: the path of a file that holds the key.
        key = ws.dir / "ssh_private_key"
        key.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----\n")
        for job, script, _ in jobs:
            check_run(ws, "gitlab-ci.yml", f"job '{job}'", "\n".join(script) + "\n",
                      {"SSH_PRIVATE_KEY": str(key)}, outputs)
        check_results(ws, "gitlab-ci.yml", outputs)
    finally:
        ws.close()

    for p in problems:
        print(p)
    print(f"ran {len(runs)} GitHub steps and {len(jobs)} GitLab jobs on the example workspace: "
          + (f"{len(problems)} problems" if problems else "they work"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
