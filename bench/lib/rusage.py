#!/usr/bin/python3
"""Runs one command and prints, on fd 3, its wall time, CPU and peak RSS as one JSON line.

    python3 rusage.py CMD [ARGS...]      (fd 3 must be open: the bench passes a pipe there)

The figures come from wait4(2), so they are microsecond-precise and cover the command and every
descendant it waited for (a `sh -c 'aws ... | jq ...'` pipeline counts aws, jq and sh). maxrss is
the largest single process's peak, in KiB. The command's own stdin is /dev/null; its stdout and
stderr are those of this wrapper. Env: RUSAGE_TERM_AFTER_MS sends the command SIGTERM after that
long (for `watch`); RUSAGE_TIMEOUT_MS kills it (SIGKILL), and the run reports status -9.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time


def send(pid, sig):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


report = os.fdopen(3, "w")
os.set_inheritable(3, False)
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, close_fds=True)
timers = []
for var, sig in (("RUSAGE_TERM_AFTER_MS", signal.SIGTERM), ("RUSAGE_TIMEOUT_MS", signal.SIGKILL)):
    if os.environ.get(var):
        timer = threading.Timer(int(os.environ[var]) / 1000, send, (child.pid, sig))
        timer.daemon = True
        timer.start()
        timers.append(timer)
_, status, usage = os.wait4(child.pid, 0)
for timer in timers:
    timer.cancel()
wall = time.perf_counter() - started
child.returncode = os.waitstatus_to_exitcode(status)
report.write(json.dumps({
    "wallMs": wall * 1000,
    "userMs": usage.ru_utime * 1000,
    "sysMs": usage.ru_stime * 1000,
    "maxrssKiB": usage.ru_maxrss,
    "status": child.returncode,
}) + "\n")
report.close()
