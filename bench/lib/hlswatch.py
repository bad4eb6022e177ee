#!/usr/bin/env python3
"""Watches live HLS media playlists and notes when each segment first shows up.

    hlswatch.py --base http://127.0.0.1:8080/hls --media-root .dev/media/live --interval-ms 20 \
                --deadline-s 120 --out raw.json PLAYBACK_ID...

Every interval it GETs <base>/<playbackId>/source/index.m3u8 for each playback id (a thread and a keep-alive
connection per id, so a playlist request the gateway holds, as it holds one for a stream with nothing to play yet,
delays only that stream's polls) and, for each segment URI it has not seen before, records
  listed_ns  wall clock (CLOCK_REALTIME, ns) when the first response that lists it arrived,
  sent_ns    when that request was sent,
  prev_sent_ns  when the previous request for that playlist (which did not list it) was sent; the listing happened
             after this, so listed_ns and prev_sent_ns bracket it,
  mtime_ns   st_mtime of <media-root>/<playbackId>/source/<uri> (the moment ffmpeg finished writing it:
             the gateway moves the closed file there with a rename, which keeps the mtime),
  seq, dur   media sequence number and EXTINF duration.
It stops when every playlist carries EXT-X-ENDLIST after at least one new segment, on SIGTERM/SIGINT, or at the
deadline, and writes everything as JSON to --out. A 404 (nothing published yet) is normal and is retried.

    hlswatch.py summary raw.json [--start-ns T0] [--expected N]

prints shell-friendly KEY=VALUE lines derived from a raw file (see summarize()).
"""
import argparse
import http.client
import json
import math
import os
import shlex
import signal
import sys
import threading
import time
import urllib.parse


def parse_playlist(text):
    seq = 0
    ended = False
    segments = []
    dur = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            seq = int(line.split(":", 1)[1])
        elif line.startswith("#EXTINF:"):
            dur = float(line.split(":", 1)[1].split(",", 1)[0])
        elif line == "#EXT-X-ENDLIST":
            ended = True
        elif line and not line.startswith("#"):
            segments.append((seq + len(segments), line, dur))
            dur = None
    return seq, segments, ended


class Poller:
    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        self.prefix = u.path.rstrip("/")
        self.conn = None

    def get(self, path):
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
                self.conn.request("GET", self.prefix + path)
                r = self.conn.getresponse()
                body = r.read()
                return r.status, body.decode("utf-8", "replace")
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    return None, ""
        return None, ""


def watch(args):
    stop = {"flag": False}

    def on_signal(*_):
        stop["flag"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    interval = args.interval_ms / 1000.0
    deadline = time.monotonic() + args.deadline_s
    streams = {
        pid: {"segments": [], "seen": set(), "ended": False, "last_seq": None, "last_count": 0,
              "errors": 0, "not_found": 0, "prev_sent_ns": None}
        for pid in args.playback_ids
    }
    totals = {"polls": 0, "rtt_total": 0.0, "rtt_max": 0.0}
    totals_lock = threading.Lock()
    started_ns = time.time_ns()

    def poll(pid, st):
        poller = Poller(args.base)
        while not stop["flag"] and time.monotonic() < deadline and not st["ended"]:
            round_start = time.monotonic()
            sent_ns = time.time_ns()
            status, body = poller.get(f"/{pid}/source/index.m3u8")
            got_ns = time.time_ns()
            rtt = (got_ns - sent_ns) / 1e6
            with totals_lock:
                totals["polls"] += 1
                totals["rtt_total"] += rtt
                totals["rtt_max"] = max(totals["rtt_max"], rtt)
            prev_sent_ns, st["prev_sent_ns"] = st["prev_sent_ns"], sent_ns
            if status == 404:
                st["not_found"] += 1
            elif status != 200:
                st["errors"] += 1
            else:
                seq, segments, ended = parse_playlist(body)
                for s_, uri, dur in segments:
                    if uri in st["seen"]:
                        continue
                    st["seen"].add(uri)
                    try:
                        mtime_ns = os.stat(os.path.join(args.media_root, pid, "source", uri)).st_mtime_ns
                    except OSError:
                        mtime_ns = None
                    st["segments"].append({"seq": s_, "uri": uri, "dur": dur, "listed_ns": got_ns,
                                           "sent_ns": sent_ns, "prev_sent_ns": prev_sent_ns,
                                           "mtime_ns": mtime_ns})
                st["last_seq"] = seq
                st["last_count"] = len(segments)
                if ended and st["segments"]:
                    st["ended"] = True
                    break
            pause = interval - (time.monotonic() - round_start)
            if pause > 0:
                time.sleep(pause)

    # Starts spread over one interval, so the polls of many streams do not all arrive at once.
    threads = []
    for i, (pid, st) in enumerate(streams.items()):
        t = threading.Thread(target=poll, args=(pid, st), daemon=True)
        t.start()
        threads.append(t)
        time.sleep(interval / max(1, len(streams)))
    while any(t.is_alive() for t in threads) and not stop["flag"] and time.monotonic() < deadline:
        time.sleep(0.2)
    polls, rtt_total, rtt_max = totals["polls"], totals["rtt_total"], totals["rtt_max"]

    out = {
        "interval_ms": args.interval_ms,
        "started_ns": started_ns,
        "stopped_ns": time.time_ns(),
        "polls": polls,
        "rtt_mean_ms": rtt_total / polls if polls else None,
        "rtt_max_ms": rtt_max,
        "streams": {
            pid: {"segments": st["segments"], "ended": st["ended"], "errors": st["errors"],
                  "not_found": st["not_found"],
                  # total segments ever listed (fresh streams start at sequence 0) = sequence + window length
                  "total": (st["last_seq"] or 0) + st["last_count"]}
            for pid, st in streams.items()
        },
    }
    tmp = args.out + ".part"
    with open(tmp, "w") as f:
        json.dump(out, f)
    os.replace(tmp, args.out)


def pct(values, p):
    """Nearest-rank percentile of a non-empty list."""
    v = sorted(values)
    k = max(1, math.ceil(p / 100.0 * len(v)))
    return v[k - 1]


def fmt(x, digits=1):
    return "n/a" if x is None else f"{x:.{digits}f}"


def summarize(args):
    with open(args.raw) as f:
        raw = json.load(f)
    lines = {"INTERVAL_MS": raw["interval_ms"], "POLLS": raw["polls"],
             "RTT_MEAN_MS": fmt(raw["rtt_mean_ms"], 2), "RTT_MAX_MS": fmt(raw["rtt_max_ms"], 1)}
    lat_all, lat_rest, first_lat, e2e, close_lag, lat_lo = [], [], [], [], [], []
    list_gaps, close_gaps, totals, missing_mtime = [], [], [], 0
    per_stream = []
    for pid, st in raw["streams"].items():
        segs = sorted(st["segments"], key=lambda s: s["seq"])
        totals.append(st["total"])
        cum = 0.0
        prev_listed = prev_mtime = None
        s_list_gap = s_close_gap = s_lat = 0.0
        for i, s in enumerate(segs):
            cum += s["dur"] or 0.0
            if s["mtime_ns"] is None:
                missing_mtime += 1
            else:
                lat = (s["listed_ns"] - s["mtime_ns"]) / 1e6
                lat_all.append(lat)
                if s.get("prev_sent_ns"):
                    lat_lo.append(max(0.0, (s["prev_sent_ns"] - s["mtime_ns"]) / 1e6))
                s_lat = max(s_lat, lat)
                (first_lat if s["seq"] == 0 else lat_rest).append(lat)
                if prev_mtime is not None:
                    close_gaps.append((s["mtime_ns"] - prev_mtime) / 1e6)
                    s_close_gap = max(s_close_gap, close_gaps[-1])
                prev_mtime = s["mtime_ns"]
                if args.start_ns:
                    close_lag.append((s["mtime_ns"] - args.start_ns) / 1e6 - cum * 1000)
            if prev_listed is not None:
                list_gaps.append((s["listed_ns"] - prev_listed) / 1e6)
                s_list_gap = max(s_list_gap, list_gaps[-1])
            prev_listed = s["listed_ns"]
            if args.start_ns:
                # source time of the segment's end ~ publisher start + cumulative EXTINF (the publisher reads at
                # native rate from t=0); approximate by the publisher's start-up time and any first-pts offset.
                e2e.append((s["listed_ns"] - args.start_ns) / 1e6 - cum * 1000)
        per_stream.append((pid, st["total"], len(segs), s_list_gap, s_close_gap, s_lat, st["errors"], st["ended"]))

    def stats(prefix, values):
        lines[prefix + "_N"] = len(values)
        for name, p in (("P50", 50), ("P95", 95)):
            lines[f"{prefix}_{name}"] = fmt(pct(values, p)) if values else "n/a"
        lines[prefix + "_MAX"] = fmt(max(values)) if values else "n/a"
        lines[prefix + "_MIN"] = fmt(min(values)) if values else "n/a"

    stats("LAT", lat_all)
    stats("LAT_REST", lat_rest)
    stats("LAT_LO", lat_lo)
    lines["LAT_FIRST"] = fmt(first_lat[0]) if len(first_lat) == 1 else (fmt(max(first_lat)) if first_lat else "n/a")
    stats("E2E", e2e)
    stats("CLOSE_LAG", close_lag)
    stats("LIST_GAP", list_gaps)
    stats("CLOSE_GAP", close_gaps)
    lines["MISSING_MTIME"] = missing_mtime
    lines["STREAMS"] = len(per_stream)
    lines["ENDED"] = sum(1 for p in per_stream if p[7])
    lines["ERRORS"] = sum(p[6] for p in per_stream)
    lines["TOTAL_MIN"] = min(totals) if totals else 0
    lines["TOTAL_MAX"] = max(totals) if totals else 0
    if args.expected is not None:
        # on time: at least the expected number of segments, and no listing gap over the limit
        ok = [p for p in per_stream if p[1] >= args.expected and p[3] <= args.gap_limit_ms]
        lines["HEALTHY"] = len(ok)
        lines["SHORT"] = " ".join(f"{p[0]}:{p[1]}" for p in per_stream if p[1] < args.expected) or "none"
        lines["LATE"] = " ".join(f"{p[0]}:{p[3]:.0f}ms" for p in per_stream if p[3] > args.gap_limit_ms) or "none"
    for k, v in lines.items():
        print(f"{k}={shlex.quote(str(v))}")
    if args.per_stream:
        with open(args.per_stream, "w") as f:
            f.write("playbackId total_listed seen max_listing_gap_ms max_close_gap_ms max_close_to_listed_ms poll_errors ended\n")
            for p in per_stream:
                f.write(f"{p[0]} {p[1]} {p[2]} {p[3]:.0f} {p[4]:.0f} {p[5]:.0f} {p[6]} {int(p[7])}\n")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "summary":
        ap = argparse.ArgumentParser(prog="hlswatch.py summary")
        ap.add_argument("raw")
        ap.add_argument("--start-ns", type=int, default=0, help="publisher start (ns, CLOCK_REALTIME) for source lag")
        ap.add_argument("--expected", type=int, help="segments each stream should have listed")
        ap.add_argument("--gap-limit-ms", type=float, default=4500.0, help="largest acceptable listing gap")
        ap.add_argument("--per-stream", help="write a per-stream table here")
        summarize(ap.parse_args(sys.argv[2:]))
        return
    ap = argparse.ArgumentParser(prog="hlswatch.py")
    ap.add_argument("--base", required=True, help="HLS base URL, e.g. http://127.0.0.1:8080/hls")
    ap.add_argument("--media-root", required=True, help="directory holding <playbackId>/source/<segment>")
    ap.add_argument("--interval-ms", type=float, default=20.0)
    ap.add_argument("--deadline-s", type=float, default=120.0)
    ap.add_argument("--out", required=True)
    ap.add_argument("playback_ids", nargs="+")
    watch(ap.parse_args())


if __name__ == "__main__":
    main()
