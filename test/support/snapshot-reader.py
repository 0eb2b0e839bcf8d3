"""Read a set of files again and again while another process replaces them, and say whether any
read saw a mix of two sets. Each file starts with `GEN=<n>`; a consistent read has one n.

usage: snapshot-reader.py DIR SECONDS NAME...
Reads until SIGTERM (or SECONDS, a bound), then prints one JSON line: {"mode": {"reads": n, "mixed": n, "retried": n, "gens": n}, ...} for
  names:    each name read as a path (a reader that knows nothing of ..data), the seqlock way:
            ..data read before and after; a read whose ..data moved meanwhile is retried;
  realpath: ..data resolved once, every file read inside that snapshot directory;
  naive:    each name read as a path, no check at all (what `commit: files` gives a reader).
"""
import json
import os
import signal
import sys
import time

directory, seconds, names = sys.argv[1], float(sys.argv[2]), sys.argv[3:]


def gen(path):
    with open(path, "rb") as f:
        head = f.read(64)
    return int(head.split(b"\n", 1)[0].split(b"=", 1)[1])


def names_mode():
    before = os.readlink(os.path.join(directory, "..data"))
    gens = [gen(os.path.join(directory, n)) for n in names]
    after = os.readlink(os.path.join(directory, "..data"))
    return gens if before == after else None


def realpath_mode():
    snapshot = os.path.realpath(os.path.join(directory, "..data"))
    return [gen(os.path.join(snapshot, n)) for n in names]


def naive_mode():
    return [gen(os.path.join(directory, n)) for n in names]


modes = {"names": names_mode, "realpath": realpath_mode, "naive": naive_mode}
wanted = os.environ.get("READER_MODES", "names,realpath").split(",")
stats = {m: {"reads": 0, "mixed": 0, "retried": 0, "gens": set()} for m in wanted}
stopped = False


def stop(*_):
    global stopped
    stopped = True


signal.signal(signal.SIGTERM, stop)
deadline = time.monotonic() + seconds
while not stopped and time.monotonic() < deadline:
    for mode in wanted:
        try:
            gens = modes[mode]()
        except FileNotFoundError:
            # The old snapshot was removed under a reader that resolved it: read again.
            stats[mode]["retried"] += 1
            continue
        if gens is None:
            stats[mode]["retried"] += 1
            continue
        stats[mode]["reads"] += 1
        stats[mode]["gens"].update(gens)
        if len(set(gens)) > 1:
            stats[mode]["mixed"] += 1
for s in stats.values():
    s["gens"] = len(s["gens"])
print(json.dumps(stats))
