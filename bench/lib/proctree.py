#!/usr/bin/env python3
"""CPU and memory of the gateway's process tree (and optionally of other processes) over a time window.

    proctree.py --gateway PID[,PID...] [--others PID,PID,...] [--delay-s D] --window-s W [--every-s 1]

Several gateway pids (the nodes of a `./dev up --nodes N` cluster) count as one gateway: their own CPU and RSS are
summed, and their descendants are pooled.

Waits D seconds, then measures for W seconds and prints KEY=VALUE lines:
  GW_CPU       the gateway process itself (utime+stime), % of one core
  KIDS_CPU     its descendants (the ffmpeg segmenters, ffprobe runs): live descendants' utime+stime+cutime+cstime
               plus the gateway's cutime+cstime, so children that exit inside the window still count
  TREE_CPU     GW_CPU + KIDS_CPU
  OTHERS_CPU   the --others processes (e.g. the publishers), utime+stime+cutime+cstime, % of one core
  MACHINE_BUSY whole-machine busy time from /proc/stat, % of all cores (other load on the box shows up here)
  GW_RSS_MB / KIDS_RSS_MB   VmRSS of the gateway / sum over its live descendants, sampled every --every-s;
               *_MEAN and *_MAX over the window; KIDS_PSS_MB_MEAN the same for PSS (shared library pages
               split among the processes that share them, so it does not count them N times)
  KIDS_N       largest number of live descendants seen; KIDS_FFMPEG the largest number of them named ffmpeg
A pid that goes away inside the window contributes what it had used when last seen.
"""
import argparse
import os
import time

TCK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def read_stat(pid):
    """(ppid, utime+stime, cutime+cstime, comm) or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return None
    comm = data[data.index("(") + 1:data.rindex(")")]
    rest = data[data.rindex(")") + 2:].split()
    # rest[0] is field 3 (state): ppid=4, utime=14, stime=15, cutime=16, cstime=17
    ppid = int(rest[1])
    own = int(rest[11]) + int(rest[12])
    kids = int(rest[13]) + int(rest[14])
    return ppid, own, kids, comm


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE_KB
    except OSError:
        return 0


def pss_kb(pid):
    """Proportional set size: shared pages (the ffmpeg libraries) divided among the processes sharing them."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(root):
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        st = read_stat(int(name))
        if st is not None:
            children.setdefault(st[0], []).append(int(name))
    out, todo = [], [root]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def machine_ticks():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return sum(v[:8]), idle


class Snapshot:
    def __init__(self, gws, others):
        self.t = time.monotonic()
        self.gw_own = self.gw_reaped = 0
        self.kids = {}
        self.kid_names = {}
        for gw in gws:
            st = read_stat(gw)
            if st is None:
                raise SystemExit(f"gateway pid {gw} is gone")
            self.gw_own += st[1]
            self.gw_reaped += st[2]
            for pid in descendants(gw):
                s = read_stat(pid)
                if s is not None:
                    self.kids[pid] = s[1] + s[2]
                    self.kid_names[pid] = s[3]
        self.others = {}
        for pid in others:
            s = read_stat(pid)
            if s is not None:
                self.others[pid] = s[1] + s[2]
        self.machine = machine_ticks()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--others", default="")
    ap.add_argument("--delay-s", type=float, default=0.0)
    ap.add_argument("--window-s", type=float, required=True)
    ap.add_argument("--every-s", type=float, default=1.0)
    a = ap.parse_args()
    others = [int(p) for p in a.others.replace(",", " ").split()]
    gateways = [int(p) for p in a.gateway.replace(",", " ").split()]

    time.sleep(a.delay_s)
    first = Snapshot(gateways, others)
    last_kids, last_others = dict(first.kids), dict(first.others)
    gw_rss, kids_rss, kids_pss, kids_n, kids_ff = [], [], [], 0, 0
    end = first.t + a.window_s
    snap = first
    while True:
        now = time.monotonic()
        if now >= end:
            break
        time.sleep(min(a.every_s, end - now))
        snap = Snapshot(gateways, others)
        last_kids.update(snap.kids)
        last_others.update(snap.others)
        gw_rss.append(sum(rss_kb(g) for g in gateways))
        kids_rss.append(sum(rss_kb(p) for p in snap.kids))
        kids_pss.append(sum(pss_kb(p) for p in snap.kids))
        kids_n = max(kids_n, len(snap.kids))
        kids_ff = max(kids_ff, sum(1 for n in snap.kid_names.values() if n == "ffmpeg"))
    wall = snap.t - first.t
    scale = 100.0 / TCK / wall

    gw = (snap.gw_own - first.gw_own) * scale
    # children: K = gateway cutime+cstime + sum over live descendants of their own and reaped ticks. A descendant
    # that exits moves its ticks into the gateway's cutime/cstime, so K only grows and its delta over the window
    # is what the descendants used in it, including ones that started or exited inside the window.
    kids_ticks = (snap.gw_reaped + sum(snap.kids.values())) - (first.gw_reaped + sum(first.kids.values()))
    kids = kids_ticks * scale
    oth = (sum(last_others.values()) - sum(first.others.values())) * scale
    tot1, idle1 = first.machine
    tot2, idle2 = snap.machine
    busy = 100.0 * (1 - (idle2 - idle1) / (tot2 - tot1)) if tot2 > tot1 else 0.0

    def mb(kb):
        return kb / 1024.0

    out = {
        "WINDOW_S": f"{wall:.1f}",
        "GW_CPU": f"{gw:.1f}",
        "KIDS_CPU": f"{kids:.1f}",
        "TREE_CPU": f"{gw + kids:.1f}",
        "OTHERS_CPU": f"{oth:.1f}",
        "MACHINE_BUSY": f"{busy:.1f}",
        "GW_RSS_MB_MEAN": f"{mb(sum(gw_rss) / len(gw_rss)):.1f}" if gw_rss else "n/a",
        "GW_RSS_MB_MAX": f"{mb(max(gw_rss)):.1f}" if gw_rss else "n/a",
        "KIDS_RSS_MB_MEAN": f"{mb(sum(kids_rss) / len(kids_rss)):.1f}" if kids_rss else "n/a",
        "KIDS_RSS_MB_MAX": f"{mb(max(kids_rss)):.1f}" if kids_rss else "n/a",
        "KIDS_PSS_MB_MEAN": f"{mb(sum(kids_pss) / len(kids_pss)):.1f}" if kids_pss else "n/a",
        "KIDS_N": kids_n,
        "KIDS_FFMPEG": kids_ff,
    }
    for k, v in out.items():
        print(f"{k}={v}")


if __name__ == "__main__":
    main()
