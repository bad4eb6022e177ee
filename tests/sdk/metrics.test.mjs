// Viewership and usage through the official Livepeer Studio SDK (npm `livepeer` 3.5.0), unchanged: an asset is
// uploaded and watched (its HLS fetched as a player would, then a player report), and every `metrics.*` call answers
// with the numbers that viewing made.
//
// Needs SG_API_URL and SG_API_KEY (see sdk.test.mjs) and ffmpeg on PATH.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Livepeer } from "livepeer";
import { QueryParamBreakdownBy, TimeStep, BreakdownBy } from "livepeer/models/operations/index.js";

const API_URL = process.env.SG_API_URL?.trim();
const API_KEY = process.env.SG_API_KEY?.trim();
const skip = !API_URL || !API_KEY ? "missing SG_API_URL or SG_API_KEY" : false;
const livepeer = skip ? null : new Livepeer({ serverURL: API_URL, apiKey: API_KEY });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const AGENT = `Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0 sdk-metrics/${Date.now()}`;

describe("viewership (sdk.metrics)", { skip }, () => {
  let dir;
  let asset;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "sg-sdk-metrics-"));
    const file = join(dir, "clip.mp4");
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
      "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p", "-y", file]);
    const res = await livepeer.asset.create({ name: "watched" });
    assert.equal(res.statusCode, 200);
    const put = await fetch(res.data.url, { method: "PUT", body: readFileSync(file) });
    assert.equal(put.status, 200);
    const until = Date.now() + 180_000;
    while (Date.now() < until) {
      asset = (await livepeer.asset.get(res.data.asset.id)).asset;
      if (asset.status.phase === "ready" || asset.status.phase === "failed") break;
      await sleep(500);
    }
    assert.equal(asset.status.phase, "ready", asset.status.errorMessage);
  });

  after(async () => {
    if (asset) await livepeer.asset.delete(asset.id).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it("a watched asset shows in every metrics call", async () => {
    // Watch it as a player would: master, first variant, every segment; then the player's report.
    const headers = { "user-agent": AGENT };
    const master = await fetch(asset.playbackUrl, { headers }).then((r) => r.text());
    const variant = new URL(master.split("\n").find((l) => l.endsWith(".m3u8")), asset.playbackUrl);
    const media = await fetch(variant, { headers }).then((r) => r.text());
    for (const name of media.split("\n").filter((l) => l.endsWith(".ts"))) {
      const seg = await fetch(new URL(name, variant), { headers });
      assert.equal(seg.status, 200);
      await seg.arrayBuffer();
    }
    const report = await fetch(new URL("/analytics/log", API_URL), {
      method: "POST",
      headers,
      body: JSON.stringify({
        session_id: `sdk-${Date.now()}`, playback_id: asset.playbackId, uid: "sdk-viewer", live: false,
        events: [{ id: "f1", type: "first-frame", timestamp: Date.now() },
          { id: "h1", type: "heartbeat", timestamp: Date.now(), errors: 0, time_playing_ms: 4000, time_stalled_ms: 0, play_to_first_frame_ms: 300 }],
      }),
    });
    assert.equal(report.status, 204);

    let rows = [];
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      const res = await livepeer.metrics.getViewership({ playbackId: asset.playbackId, breakdownBy: [QueryParamBreakdownBy.Browser] });
      assert.equal(res.statusCode, 200);
      rows = res.data ?? [];
      if (rows.some((r) => r.ttffMs === 300)) break;
      await sleep(500);
    }
    const firefox = rows.find((r) => r.browser === "Firefox");
    assert.ok(firefox, JSON.stringify(rows));
    assert.equal(firefox.viewCount, 1);
    assert.ok(Math.abs(firefox.playtimeMins - 4000 / 60000) < 0.001, JSON.stringify(firefox));
    assert.equal(firefox.ttffMs, 300);

    const now = await livepeer.metrics.getRealtimeViewership(asset.playbackId, undefined, [BreakdownBy.Browser]);
    assert.equal(now.statusCode, 200);
    assert.equal(now.data.find((r) => r.browser === "Firefox")?.viewCount, 1, JSON.stringify(now.data));

    const total = await livepeer.metrics.getPublicViewership(asset.playbackId);
    assert.equal(total.statusCode, 200);
    assert.equal(total.data.playbackId, asset.playbackId);
    assert.equal(total.data.viewCount, 1);

    const creator = await livepeer.metrics.getCreatorViewership({ assetId: asset.id, timeStep: TimeStep.Day });
    assert.equal(creator.statusCode, 200);
    assert.equal(creator.data.length, 1);
    assert.equal(creator.data[0].viewCount, 1);
    assert.equal(typeof creator.data[0].timestamp, "number");

    const usage = await livepeer.metrics.getUsage({});
    assert.equal(usage.statusCode, 200);
    assert.ok(usage.usageMetric.deliveryUsageMins > 0, JSON.stringify(usage.usageMetric));
  });
});
