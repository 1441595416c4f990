#!/usr/bin/env python3
"""Compares two signalsc binaries on one command, alternating their runs so
that both see the same machine load (other jobs on a shared VM make wall and
CPU times drift by 2x over minutes). Prints, for each, the best wall time,
the best CPU time (user + system, wait4(2)) and the peak RSS (ru_maxrss of
the run, read by GNU time, since a child forked from Python counts Python's
pages too).

usage: ab.py OLD NEW RUNS ARGS...   (an argument @OUT@ becomes a scratch
       output path per binary, under /dev/shm when it exists)
"""
import os, subprocess, sys, tempfile, time

old, new, runs, args = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
scratch = tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
res = {}
for _ in range(runs):
    for i, sc in enumerate((old, new)):
        cmd = [sc] + [os.path.join(scratch, str(i)) if a == "@OUT@" else a for a in args]
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        r = res.setdefault(sc, [[], [], 0])
        r[0].append(wall)
        r[1].append(ru.ru_utime + ru.ru_stime)
for sc in (old, new):
    cmd = [sc] + [os.path.join(scratch, "rss") if a == "@OUT@" else a for a in args]
    t = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    kb = t.stderr.strip().splitlines()[-1]
    if kb.isdigit():
        res[sc][2] = int(kb)
subprocess.run(["rm", "-rf", scratch], check=False)
for sc in (old, new):
    walls, cpus, rss = res[sc]
    print("%-28s best wall %9.1f ms  best cpu %9.1f ms  peak RSS %7.1f MB"
          % (sc, min(walls) * 1000, min(cpus) * 1000, rss / 1024))
