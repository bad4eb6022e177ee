// The broadcaster's side of the player tests: streams made through the REST API and published over RTMP by ffmpeg
// from a clip encoded once per run, so publishing costs no CPU (the orchestrators' transcoding needs the cores).

import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/** What `./dev up` writes to .dev/env (and `./dev test` exports): where the gateway answers, and an API key. */
export function gatewayEnv() {
  const env = {
    apiUrl: process.env.SG_API_URL?.trim(),
    apiKey: process.env.SG_API_KEY?.trim(),
    rtmpUrl: process.env.SG_RTMP_URL?.trim(),
    hlsUrl: process.env.SG_HLS_URL?.trim(),
  };
  const names = { apiUrl: "SG_API_URL", apiKey: "SG_API_KEY", rtmpUrl: "SG_RTMP_URL", hlsUrl: "SG_HLS_URL" };
  env.missing = Object.keys(names).filter((k) => !env[k]).map((k) => names[k]);
  return env;
}

/**
 * A small ladder under a 360p source: two renditions (profiles taller than the source would be left out), cheap
 * enough for three local orchestrators on two cores.
 */
export const LADDER = [
  { name: "240p0", width: 426, height: 240, bitrate: 250_000, fps: 0 },
  { name: "160p0", width: 284, height: 160, bitrate: 150_000, fps: 0 },
];
export const SOURCE_HEIGHT = 360;

/** POST /stream; returns the API's answer ({ id, streamKey, playbackId, ... }). */
export async function createStream(env, name, profiles = LADDER) {
  const res = await fetch(`${env.apiUrl.replace(/\/$/, "")}/stream`, {
    method: "POST",
    headers: { Authorization: `Bearer ${env.apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name, profiles }),
  });
  const body = await res.text();
  if (res.status !== 201 && res.status !== 200) throw new Error(`POST /stream answered ${res.status}: ${body}`);
  return JSON.parse(body);
}

export function masterUrl(env, playbackId) {
  return `${env.hlsUrl.replace(/\/$/, "")}/${playbackId}/index.m3u8`;
}

/**
 * A 6 s 640x360 30 fps test pattern with a 440 Hz tone, H.264 (a keyframe every 2 s, the gateway's segment length)
 * and AAC in FLV, in a fresh temporary folder. Returns { file, remove() }.
 */
export async function makeFixture() {
  const dir = await mkdtemp(join(tmpdir(), "sg-player-fixture-"));
  const file = join(dir, "fixture.flv");
  await promisify(execFile)("ffmpeg", [
    "-hide_banner", "-loglevel", "error",
    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
    "-t", "6",
    "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
    "-b:v", "800k", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k",
    "-f", "flv", file,
  ]);
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Publishes the fixture in a loop, in real time, for `seconds` (ffmpeg -re -stream_loop -1 -c copy). Returns
 * { stop(), exited }; exited resolves with ffmpeg's { code, signal, stderr }.
 */
export function publish(env, fixture, streamKey, seconds) {
  const ffmpeg = spawn("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", fixture.file,
    "-t", String(seconds), "-c", "copy", "-f", "flv", `${env.rtmpUrl.replace(/\/$/, "")}/${streamKey}`,
  ], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  ffmpeg.stderr.on("data", (d) => { stderr = (stderr + d).slice(-2000); });
  const exited = new Promise((resolve) => ffmpeg.on("exit", (code, signal) => resolve({ code, signal, stderr })));
  return {
    exited,
    /** Ends the publish; resolves with ffmpeg's { code, signal, stderr } and whether it had ended by itself. */
    async stop() {
      const ended = ffmpeg.exitCode !== null || ffmpeg.signalCode !== null;
      if (!ended) ffmpeg.kill("SIGTERM");
      return { ...(await exited), ended };
    },
  };
}

/**
 * Asks for the master playlist until it first answers 200 with at least one variant: the moment a player that
 * opened the stream would get something to play. Returns { text, ms, answers } (answers: each status seen, with
 * when it came, ms after the call).
 */
export async function waitForLiveMaster(url, timeoutMs) {
  const started = Date.now();
  const answers = [];
  for (;;) {
    const left = timeoutMs - (Date.now() - started);
    if (left <= 0) throw new Error(`${url} listed no variant within ${timeoutMs} ms; answers: ${JSON.stringify(answers)}`);
    let status;
    let text = "";
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(Math.max(1, left)), cache: "no-store" });
      status = res.status;
      text = await res.text();
    } catch (err) {
      status = `failed: ${err.name}`;
    }
    const ms = Date.now() - started;
    const last = answers.at(-1);
    if (last?.status === status) last.until = ms;
    else answers.push({ status, ms });
    if (status === 200 && text.includes("#EXT-X-STREAM-INF")) return { text, ms, answers };
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A call to the gateway's API with the environment's key; resolves with the parsed answer, throws on a status of 300 or more. */
export async function api(env, method, path, body) {
  const res = await fetch(`${env.apiUrl.replace(/\/$/, "")}${path}`, {
    method,
    headers: { Authorization: `Bearer ${env.apiKey}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}
