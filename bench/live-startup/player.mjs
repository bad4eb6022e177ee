#!/usr/bin/env node
// One viewer's start-up on a live stream: opens hls.js (default configuration) in headless Chromium, attaches it to
// the stream's master playlist at once, and prints one JSON object with the times, in ms after the attach, to
// MANIFEST_PARSED, to the first fragment buffered and to the video's 'playing' event, the level hls.js started on,
// its levels, and each request for the master (sent, answered, status).
//
//   node bench/live-startup/player.mjs --hls http://127.0.0.1:8080/hls --playback <playbackId> [--timeout-ms 30000]
//        [--attach-at <Unix ms>]
//
// --attach-at waits, with Chromium started, until that moment before attaching, so a caller can start Chromium
// first and have the player open the stream at the same moment as something else (a publish) begins.
//
// Uses tests/player's pinned playwright-core and hls.js (`npm ci --prefix tests/player`) and /usr/bin/chromium.
// Exits 0 once the video plays, 1 when it does not within the timeout or hls.js stops with a fatal error (the JSON
// is printed either way, with "error" set), 2 on bad arguments.

import { parseArgs } from "node:util";
import { launchBrowser, startup } from "../../tests/player/lib/player.mjs";

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      hls: { type: "string" },
      playback: { type: "string" },
      "timeout-ms": { type: "string", default: "30000" },
      "attach-at": { type: "string", default: "0" },
    },
  }));
  if (!args.hls || !args.playback || !(Number(args["timeout-ms"]) > 0)) throw new Error("--hls and --playback are required");
} catch (err) {
  console.error(`${err.message}\nusage: node bench/live-startup/player.mjs --hls BASE_HLS_URL --playback PLAYBACK_ID [--timeout-ms N]`);
  process.exit(2);
}

const master = `${args.hls.replace(/\/$/, "")}/${args.playback}/index.m3u8`;
const launched = Date.now();
const browser = await launchBrowser();
let result;
try {
  const player = await browser.newPlayer();
  const launchMs = Date.now() - launched;
  const wait = Number(args["attach-at"]) - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  await player.attach(master);
  let error = null;
  let s;
  try {
    s = await player.waitFor("'playing'", (x) => x.playing, Number(args["timeout-ms"]));
  } catch (err) {
    error = err.message.split("\n")[0];
    s = await player.snapshot();
  }
  result = {
    master,
    attachedAt: new Date(player.attachedAt).toISOString(),
    launchMs,
    ...startup(s),
    masterRequests: player.requestsTo(master),
    error,
  };
} finally {
  await browser.close();
}
console.log(JSON.stringify(result, null, 2));
process.exit(result.error ? 1 : 0);
