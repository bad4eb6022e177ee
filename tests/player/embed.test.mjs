// The embeddable player the gateway serves at /play/{playbackId} (Livepeer's own player, @livepeer/react, fed by
// /api/playback/{id}) in Debian's headless Chromium: opened before a stream goes live it waits and starts by itself,
// it plays an uploaded asset, and the views it reports reach the viewership API.
//
//   ./dev up && set -a && . .dev/env && set +a
//   (cd tests/player && npm ci) && node --test tests/player/

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { launchBrowser } from "./lib/player.mjs";
import { api as call, createStream, gatewayEnv, makeFixture, publish } from "./lib/live.mjs";

const env = gatewayEnv();
const base = env.apiUrl?.replace(/\/api\/?$/, "");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const api = (method, path, body) => call(env, method, path, body);

/** Waits until the page's video has played past `seconds`; returns its currentTime. */
async function playedPast(tab, seconds, timeoutMs) {
  await tab.waitForFunction((s) => {
    const v = document.querySelector("video");
    return v && v.currentTime > s && !v.paused;
  }, seconds, { timeout: timeoutMs, polling: 250 });
  return tab.evaluate(() => document.querySelector("video").currentTime);
}

/** Waits until the viewership API shows the page's Chromium with a time to first frame (so its player reported). */
async function reportedView(playbackId, timeoutMs) {
  const until = Date.now() + timeoutMs;
  let rows = [];
  while (Date.now() < until) {
    rows = await api("GET", `/data/views/query?playbackId=${playbackId}&breakdownBy[]=browser`);
    const chrome = rows.find((r) => r.browser === "Headless Chrome");
    if (chrome && chrome.viewCount >= 1 && typeof chrome.ttffMs === "number") return chrome;
    await sleep(500);
  }
  assert.fail(`no reported view of ${playbackId}: ${JSON.stringify(rows)}`);
}

describe("the embeddable player at /play/{playbackId}", { skip: env.missing.length > 0 && "environment incomplete" }, () => {
  let browser;
  let fixture;

  before(async () => {
    [browser, fixture] = await Promise.all([launchBrowser(), makeFixture()]);
  });

  after(async () => {
    await browser?.close();
    await fixture?.remove();
  });

  it("opened before the stream goes live, waits, then plays it and reports the view", { timeout: 90_000 }, async (t) => {
    const stream = await createStream(env, `embed ${Date.now()}`);
    const tab = await browser.newTab();
    t.after(() => tab.close());
    const page = await tab.goto(`${base}/play/${stream.playbackId}?muted=1`);
    assert.equal(page.status(), 200);
    // Nothing to play yet: the player waits.
    await sleep(3000);
    assert.equal(await tab.evaluate(() => document.querySelector("video")?.currentTime ?? 0), 0);

    const publisher = publish(env, fixture, stream.streamKey, 40);
    t.after(() => publisher.stop());
    const at = await playedPast(tab, 3, 60_000);
    assert.ok(at > 3, `played to ${at} s`);
    const view = await reportedView(stream.playbackId, 30_000);
    assert.equal(view.viewCount, 1);
  });

  it("plays an uploaded asset with its quality menu from an iframe, also where the browser blocks the frame's storage", { timeout: 120_000 }, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "sg-embed-"));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, "clip.mp4");
    await promisify(execFile)("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
      "-t", "8", "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-pix_fmt", "yuv420p", "-y", file]);
    const created = await api("POST", "/asset/request-upload", { name: "embedded" });
    const put = await fetch(created.url, { method: "PUT", body: await readFile(file) });
    assert.equal(put.status, 200);
    let asset;
    const until = Date.now() + 90_000;
    while (Date.now() < until) {
      asset = await api("GET", `/asset/${created.asset.id}`);
      if (asset.status.phase === "ready" || asset.status.phase === "failed") break;
      await sleep(500);
    }
    assert.equal(asset.status.phase, "ready", asset.status.errorMessage);
    t.after(() => api("DELETE", `/asset/${asset.id}`).catch(() => {}));

    // Embedded as the README shows, in a page served from elsewhere.
    const tab = await browser.newTab();
    t.after(() => tab.close());
    await tab.setContent(`<iframe src="${base}/play/${asset.playbackId}?muted=1" width="640" height="360" allow="autoplay; fullscreen"></iframe>`);
    const frame = await (await tab.waitForSelector("iframe")).contentFrame();
    await frame.waitForFunction(() => {
      const v = document.querySelector("video");
      return v && v.currentTime > 2;
    }, null, { timeout: 60_000, polling: 250 });
    assert.ok(await frame.$("[aria-label=Quality]"), "no quality menu");
    const view = await reportedView(asset.playbackId, 30_000);
    assert.equal(view.viewCount, 1);
  });

  it("an unknown playback id says so instead of a broken player", async (t) => {
    const tab = await browser.newTab();
    t.after(() => tab.close());
    await tab.goto(`${base}/play/n0such1d0000000?muted=1`);
    await tab.waitForSelector("[role=status]");
    assert.match(await tab.textContent("[role=status]"), /Nothing to play yet/);
  });
});
