#!/usr/bin/python3
"""Runs one command and prints, on fd 3, its wall time, CPU and peak RSS as one JSON line.

    python3 rusage.py CMD [ARGS...]      (fd 3 must be open: the bench passes a pipe there)

The figures come from wait4(2): they cover the command and every descendant it waited for (a
`sh -c 'aws ... | jq ...'` pipeline counts aws, jq and sh); maxrss is the largest single process's
peak, in KiB. RUSAGE_TIMEOUT_MS kills the command (SIGKILL), and the run reports status -9.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time

report = os.fdopen(3, "w")
os.set_inheritable(3, False)
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, close_fds=True)
timer = threading.Timer(int(os.environ.get("RUSAGE_TIMEOUT_MS", "300000")) / 1000, os.kill, (child.pid, signal.SIGKILL))
timer.daemon = True
timer.start()
_, status, usage = os.wait4(child.pid, 0)
timer.cancel()
report.write(json.dumps({
    "wallMs": (time.perf_counter() - started) * 1000,
    "userMs": usage.ru_utime * 1000,
    "sysMs": usage.ru_stime * 1000,
    "maxrssKiB": usage.ru_maxrss,
    "status": os.waitstatus_to_exitcode(status),
}) + "\n")
report.close()
