#!/usr/bin/python3
"""Runs a command and writes how long it took, as bench/probe.sh and bench/build.sh
report it, to a file:

  /usr/bin/python3 bench/timed.py OUT_FILE COMMAND [ARG...]

OUT_FILE gets one line: "wall_s user_s sys_s peak_rss_kb exit_code", the times in
microseconds (os.wait4's rusage of the command alone; /usr/bin/time's %U and %S
have 10 ms, too coarse for a run that takes 30 ms). The wall clock is taken
around fork and wait, so Python's own start-up is not in it. The command's
stdin, stdout and stderr are this script's; its exit code is this script's too.
"""
import os
import sys
import time


def main():
    out, cmd = sys.argv[1], sys.argv[2:]
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    with open(out, "w") as f:
        f.write(f"{wall:.6f} {usage.ru_utime:.6f} {usage.ru_stime:.6f} {usage.ru_maxrss} {code}\n")
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
