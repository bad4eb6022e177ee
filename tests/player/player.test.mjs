// A real viewer's player against a running StreamGateway: hls.js 1.7 (default configuration) in Debian's headless
// Chromium, playing live streams published over RTMP by ffmpeg, with a small transcoding ladder done by the local
// orchestrators.
//
//   ./dev up && set -a && . .dev/env && set +a
//   (cd tests/player && npm ci) && node --test tests/player/
//
// Needs SG_API_URL, SG_API_KEY, SG_RTMP_URL and SG_HLS_URL (./dev writes them to .dev/env), ffmpeg on PATH and
// Chromium at /usr/bin/chromium (Debian's package `chromium`; `./dev test` installs it).

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, renditionOf, startup } from "./lib/player.mjs";
import { LADDER, SOURCE_HEIGHT, createStream, gatewayEnv, makeFixture, masterUrl, publish, waitForLiveMaster } from "./lib/live.mjs";

const env = gatewayEnv();

// Fails (not skips) when the environment is incomplete, so `node --test tests/player/` exits non-zero.
it("environment provides the gateway's URLs and an API key", () => {
  assert.deepEqual(env.missing, [], "Start the system with `./dev up`, then `set -a; . .dev/env; set +a`.");
});

const runTag = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const EXPECTED = ["source", ...LADDER.map((p) => p.name)];

describe("hls.js in Chromium plays live streams", { skip: env.missing.length > 0 && "environment incomplete" }, () => {
  let fixture;
  let browser;

  before(async () => {
    [fixture, browser] = await Promise.all([makeFixture(), launchBrowser()]);
  });

  after(async () => {
    await browser?.close();
    await fixture?.remove();
  });

  /**
   * A new stream with the ladder, a player tab not yet attached, and a publisher of `seconds` of the fixture
   * (started now, or later by startPublishing()). All of it ends with the test `t`, so tests do not overlap.
   */
  async function liveStream(t, name, seconds, { publishNow = true } = {}) {
    const stream = await createStream(env, `player ${name} ${runTag}`);
    const player = await browser.newPlayer();
    const live = { stream, player, url: masterUrl(env, stream.playbackId), publisher: null };
    live.startPublishing = () => {
      live.publisher = publish(env, fixture, stream.streamKey, seconds);
    };
    t.after(async () => {
      await player.close();
      const exit = await live.publisher?.stop();
      if (exit?.ended && exit.code) t.diagnostic(`the publisher had failed (ffmpeg exit ${exit.code}): ${exit.stderr}`);
    });
    if (publishNow) live.startPublishing();
    return live;
  }

  /** Waits until the video plays and its clock has moved `seconds` past where it was when it started. */
  async function playsFor(player, seconds, timeoutMs) {
    const started = await player.waitFor("the 'playing' event", (s) => s.playing, timeoutMs);
    const from = started.currentTime;
    return player.waitFor(`currentTime to pass ${(from + seconds).toFixed(1)} s`, (s) => s.currentTime >= from + seconds, seconds * 1000 + 10_000);
  }

  it("attached the moment the stream goes live, lists the source and every rendition and plays", { timeout: 60_000 }, async (t) => {
    const { player, url } = await liveStream(t, "at-go-live", 30);
    const live = await waitForLiveMaster(url, 20_000);
    await player.attach(url);
    t.diagnostic(`master first listed a variant ${live.ms} ms after publishing began; answers: ${JSON.stringify(live.answers)}`);

    // Playback first, so a failure below says the player works and only the ladder is wrong.
    const played = await playsFor(player, 2, 20_000);
    const levels = played.levels;
    t.diagnostic(`start-up: ${JSON.stringify(startup(played))}`);

    assert.deepEqual(levels.map((l) => renditionOf(l.url)).sort(), [...EXPECTED].sort(),
      `hls.js's levels should be the source and every rendition of the ladder; the first master it got was:\n${live.text}`);
    assert.deepEqual(levels.map((l) => l.height).sort((a, b) => a - b), [...LADDER.map((p) => p.height), SOURCE_HEIGHT].sort((a, b) => a - b),
      "each level's RESOLUTION height");
    for (const level of levels) {
      assert.ok(level.bitrate > 0, `${level.url}: BANDWIDTH`);
      assert.match(level.videoCodec ?? "", /^avc1\./, `${level.url}: CODECS names the H.264 video`);
      assert.match(level.audioCodec ?? "", /^mp4a\./, `${level.url}: CODECS names the AAC audio`);
      assert.ok(level.frameRate > 0, `${level.url}: FRAME-RATE`);
    }
  });

  it("with the connection throttled, switches down to a lower rendition and keeps playing", { timeout: 90_000 }, async (t) => {
    const { player, url } = await liveStream(t, "throttled", 60);
    await waitForLiveMaster(url, 20_000);
    await player.attach(url);

    const parsed = await player.waitFor("MANIFEST_PARSED", (s) => s.levels !== null, 15_000);
    const levels = parsed.levels;
    assert.ok(levels.length >= EXPECTED.length,
      `hls.js needs the ladder to switch down; it got ${levels.length} level(s): ${JSON.stringify(levels.map((l) => l.url))}`);
    const lowest = Math.min(...levels.map((l) => l.bitrate));
    // On loopback hls.js soon measures plenty of bandwidth; wait until it plays a level above the lowest one.
    const above = await player.waitFor("playing a level above the lowest",
      (s) => s.playing && s.hlsCurrentLevel >= 0 && levels[s.hlsCurrentLevel].bitrate > lowest, 30_000);
    const from = levels[above.hlsCurrentLevel];
    const throttledAt = above.events.length;

    // A link a little faster than the lowest rendition: enough for it, not for the level playing now.
    const downloadKbps = Math.round((lowest * 1.5) / 1000);
    await player.throttle({ downloadKbps, latencyMs: 20 });
    t.diagnostic(`throttled to ${downloadKbps} kbps while playing ${renditionOf(from.url)} (${from.bitrate} b/s)`);

    const switched = await player.waitFor("LEVEL_SWITCHED to a lower bitrate",
      (s) => s.events.slice(throttledAt).some((e) => e.type === "levelSwitched" && e.bitrate < from.bitrate), 30_000);
    const to = switched.events.slice(throttledAt).find((e) => e.type === "levelSwitched" && e.bitrate < from.bitrate);
    t.diagnostic(`switched to ${renditionOf(levels[to.level].url)} (${to.bitrate} b/s) at ${to.ms} ms after attach`);

    await player.waitFor("currentTime to move 3 s on the lower rendition",
      (s) => s.currentTime >= switched.currentTime + 3 && !s.paused, 20_000);
  });

  it("attached before the publish starts, starts playing by itself once the stream is playable", { timeout: 60_000 }, async (t) => {
    const live = await liveStream(t, "before-publish", 30, { publishNow: false });
    await live.player.attach(live.url);
    await new Promise((r) => setTimeout(r, 1000));
    live.startPublishing();

    const played = await playsFor(live.player, 2, 30_000);
    t.diagnostic(`start-up: ${JSON.stringify(startup(played))}; master requests: ${JSON.stringify(live.player.requestsTo(live.url))}`);
  });
});
