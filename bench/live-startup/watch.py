#!/usr/bin/env python3
"""Watches one live stream's HLS from the moment its publish starts and notes when each thing first appears.

    watch.py --base http://127.0.0.1:8080/hls --playback ID --renditions 240p0,360p0 --t0-ns T --deadline-s 40

Every --interval-ms it GETs the master playlist and every media playlist (one keep-alive connection) and records,
in ms after --t0-ns (the moment the publisher was started):
  master_first   the first answer of the master playlist that is not a 404/503 (status and variant count noted)
  master_any     the first master answer that lists a variant
  master_full    the first master answer that lists the source and every rendition
  first_seg[r]   the first media playlist answer of rendition r that lists a segment
  master_first_variants  how many variants the first master with variants listed
Prints one JSON object.
"""
import argparse, json, os, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from hlswatch import Poller  # noqa: E402  (one keep-alive connection, one retry on a dropped one)

def main():
    a = argparse.ArgumentParser()
    a.add_argument("--base", required=True)
    a.add_argument("--playback", required=True)
    a.add_argument("--renditions", default="")
    a.add_argument("--t0-ns", type=int, required=True)
    a.add_argument("--interval-ms", type=int, default=50)
    a.add_argument("--deadline-s", type=float, default=40)
    o = a.parse_args()
    rends = [r for r in o.renditions.split(",") if r]
    poller = Poller(o.base)
    get = lambda path: poller.get(f"/{o.playback}/{path}")
    ms = lambda: (time.time_ns() - o.t0_ns) / 1e6
    out = {"statuses": {}, "first_seg": {}}
    end = time.time() + o.deadline_s
    while time.time() < end:
        status, text = get("index.m3u8")
        t = ms()
        out["statuses"].setdefault(str(status), round(t))
        variants = [l for l in text.splitlines() if l and not l.startswith("#")] if status == 200 else []
        if status == 200 and "master_first" not in out:
            out["master_first"] = round(t); out["master_first_variants"] = len(variants)
        if variants and "master_any" not in out:
            out["master_any"] = round(t); out["master_any_variants"] = len(variants); out["master_any_text"] = text
        if len(variants) >= len(rends) + 1 and "master_full" not in out:
            out["master_full"] = round(t)
        for r in ["source"] + rends:
            if r in out["first_seg"]:
                continue
            s, body = get(f"{r}/index.m3u8")
            if s == 200 and any(l.endswith(".ts") and not l.startswith("gap_") for l in body.splitlines()):
                out["first_seg"][r] = round(ms())
        if "master_full" in out and len(out["first_seg"]) == len(rends) + 1:
            break
        time.sleep(o.interval_ms / 1000)
    json.dump(out, sys.stdout)

main()
