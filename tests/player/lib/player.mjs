// A viewer's player for tests and benchmarks: hls.js (npm, its dist build) with its default configuration in
// Debian's headless Chromium, driven by playwright-core. The page comes from a small HTTP server on loopback, so
// the player fetches the gateway's playlists cross-origin, as an embedding site's player does.
//
//   const browser = await launchBrowser();
//   const player = await browser.newPlayer();
//   await player.attach("http://127.0.0.1:8080/hls/<playbackId>/index.m3u8");
//   await player.waitFor("playing", (s) => s.playing, 20_000);

import http from "node:http";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);

/** Debian's Chromium (apt package `chromium`); the browsers Playwright downloads are never used. */
export const CHROMIUM = "/usr/bin/chromium";

// Headless on a machine with no GPU, and nothing Chromium would fetch from the internet by itself (this machine's
// network is closed: without these flags it retries refused connections to Google's hosts in the background).
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>player</title></head>
<body><video id="video" muted autoplay playsinline width="640" height="360"></video>
<script src="/hls.min.js"></script><script src="/page.js"></script></body></html>`;

/** Serves the player page, hls.js's dist build and the page's script on 127.0.0.1 (a free port). */
async function servePage() {
  const files = {
    "/": { type: "text/html; charset=utf-8", body: PAGE },
    "/hls.min.js": { type: "text/javascript", body: await readFile(require.resolve("hls.js/dist/hls.min.js")) },
    "/page.js": { type: "text/javascript", body: await readFile(new URL("./page.js", import.meta.url)) },
  };
  const server = http.createServer((req, res) => {
    const file = files[new URL(req.url, "http://x").pathname];
    res.writeHead(file ? 200 : 404, { "Content-Type": file ? file.type : "text/plain", "Cache-Control": "no-store" });
    res.end(file ? file.body : "not found");
  });
  await new Promise((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

/** Starts Chromium with a fresh, empty profile and the page server. Close it with `close()`. */
export async function launchBrowser() {
  const userDataDir = await mkdtemp(join(tmpdir(), "sg-player-"));
  const page = await servePage();
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  } catch (err) {
    await page.close();
    await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    /** Opens a new tab with the player page loaded and hls.js not yet attached. */
    async newPlayer() {
      const tab = await context.newPage();
      const player = new Player(tab);
      await tab.goto(page.url);
      await tab.waitForFunction(() => typeof window.sgAttach === "function" && typeof window.Hls === "function");
      return player;
    },
    /** A new empty tab, for pages the gateway serves itself (its embeddable player). */
    newTab() {
      return context.newPage();
    },
    async close() {
      await context.close().catch(() => {});
      await page.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The rendition a media playlist's URL names: ".../hls/<playbackId>/240p0/index.m3u8" → "240p0". */
export function renditionOf(url) {
  return new URL(url, "http://x/").pathname.split("/").at(-2);
}

/**
 * A viewer's start-up as a snapshot records it, in ms after attach(): the master parsed, the first fragment in the
 * buffer, the 'playing' event (null for what has not happened), and the level hls.js loaded its first fragment from.
 */
export function startup(s) {
  const first = (type) => s.events.find((e) => e.type === type) ?? null;
  const level = first("fragLoading")?.level;
  const describe = (l) => ({ rendition: renditionOf(l.url), height: l.height, bitrate: l.bitrate });
  return {
    manifestParsedMs: first("manifestParsed")?.ms ?? null,
    firstFragBufferedMs: first("fragBuffered")?.ms ?? null,
    playingMs: first("playing")?.ms ?? null,
    startLevel: level === undefined || !s.levels ? null : { index: level, ...describe(s.levels[level]) },
    levels: s.levels?.map(describe) ?? null,
  };
}

/** One tab with one hls.js player. Records every request the tab makes, for the reports and failure messages. */
export class Player {
  constructor(page) {
    this.page = page;
    /** The attach() moment, ms since the epoch, on the browser's clock. */
    this.attachedAt = null;
    this.sent = [];
    this.statuses = new Map();
    page.on("request", (req) => this.sent.push(req));
    page.on("response", (res) => this.statuses.set(res.request(), res.status()));
    page.on("requestfailed", (req) => this.statuses.set(req, `failed: ${req.failure()?.errorText}`));
  }

  /** Creates the hls.js player on the page's <video> and points it at `src`, as a page would on load. */
  async attach(src) {
    this.attachedAt = (await this.page.evaluate((url) => window.sgAttach(url), src)) ?? Date.now();
  }

  /**
   * The requests the tab made since attach(): { sentMs, ms, method, url, status }, sentMs and ms (the answer's end,
   * null while pending) in ms after attach() as Chromium timed them, status null while pending.
   */
  get requests() {
    if (this.attachedAt === null) return [];
    return this.sent
      .map((req) => {
        const timing = req.timing();
        const at = (ms) => Math.round(ms - this.attachedAt);
        return {
          sentMs: at(timing.startTime),
          ms: timing.responseEnd >= 0 ? at(timing.startTime + timing.responseEnd) : null,
          method: req.method(),
          url: req.url(),
          status: this.statuses.get(req) ?? null,
        };
      })
      .filter((r) => r.sentMs >= 0);
  }

  /** What the page recorded so far (see page.js): events, levels, playing, currentTime, hls.js's levels in use. */
  snapshot() {
    return this.page.evaluate(() => window.sgSnapshot());
  }

  /**
   * Polls the page until `done(snapshot)` holds and returns that snapshot. Throws after `timeoutMs`, or at once when
   * hls.js reports a fatal error (the default configuration never recovers from one by itself), with what the
   * player saw and requested.
   */
  async waitFor(what, done, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.snapshot();
      if (done(s)) return s;
      if (s.error) throw new Error(`waiting for ${what}: hls.js stopped with a fatal error (${s.error})\n${this.describe(s)}`);
      if (Date.now() > deadline) throw new Error(`waiting for ${what}: not within ${timeoutMs} ms\n${this.describe(s)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Chromium's network emulation for this tab (DevTools' throttling): at most `downloadKbps` kilobits per second
   * received, plus `latencyMs` per request. Applies to hls.js's playlist and segment loads.
   */
  async throttle({ downloadKbps, latencyMs = 0 }) {
    const cdp = await this.page.context().newCDPSession(this.page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: latencyMs,
      downloadThroughput: (downloadKbps * 1000) / 8,
      uploadThroughput: -1,
    });
  }

  /** The requests for `url` since attach(), as { sentMs, ms, status } (see `requests`). */
  requestsTo(url) {
    return this.requests.filter((r) => r.url === url).map(({ sentMs, ms, status }) => ({ sentMs, ms, status }));
  }

  /** The requests made since attach(), one a line: when sent, when answered, status, path. */
  requestLog() {
    return this.requests
      .map((r) => `  ${String(r.sentMs).padStart(6)} ms → ${String(r.ms ?? "…").padStart(6)} ms  ${r.status ?? "pending"}  ${r.method} ${new URL(r.url).pathname}`)
      .join("\n");
  }

  describe(s) {
    const events = s.events.map((e) => `  ${String(e.ms).padStart(6)} ms  ${e.type} ${JSON.stringify({ ...e, ms: undefined, type: undefined })}`);
    return [
      `player: playing=${s.playing} currentTime=${s.currentTime.toFixed(2)} readyState=${s.readyState} level=${s.hlsCurrentLevel} bandwidthEstimate=${s.bandwidthEstimate}`,
      `levels: ${JSON.stringify(s.levels)}`,
      "events:",
      ...events.slice(-40),
      "requests:",
      this.requestLog(),
    ].join("\n");
  }

  close() {
    return this.page.close().catch(() => {});
  }
}
