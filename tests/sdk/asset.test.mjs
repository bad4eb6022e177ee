// Video on demand through the official Livepeer Studio SDK (npm `livepeer` 3.5.0), unchanged: request an upload,
// PUT the file to the URL it gives, poll the asset until it is ready, then play it back as a player would.
//
// Needs SG_API_URL and SG_API_KEY (see sdk.test.mjs) and ffmpeg on PATH (to make the test file).

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Livepeer } from "livepeer";
import * as tus from "tus-js-client";

const API_URL = process.env.SG_API_URL?.trim();
const API_KEY = process.env.SG_API_KEY?.trim();
const skip = !API_URL || !API_KEY ? "missing SG_API_URL or SG_API_KEY" : false;
const livepeer = skip ? null : new Livepeer({ serverURL: API_URL, apiKey: API_KEY });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls the asset until it leaves uploading/waiting/processing, or fails the test after `seconds`. */
async function waitForAsset(id, seconds) {
  const until = Date.now() + seconds * 1000;
  let asset;
  const phases = new Set();
  while (Date.now() < until) {
    let res;
    try {
      res = await livepeer.asset.get(id);
    } catch (err) {
      // After a gateway restart the first request may go out on a connection the old process held; try again.
      if (err?.name !== "ConnectionError") throw err;
      await sleep(500);
      continue;
    }
    assert.equal(res.statusCode, 200);
    asset = res.asset;
    phases.add(asset.status.phase);
    if (asset.status.phase === "ready" || asset.status.phase === "failed") return { asset, phases };
    await sleep(500);
  }
  assert.fail(`asset ${id} still ${asset?.status.phase} after ${seconds} s`);
}

describe("asset upload (sdk.asset, sdk.task, sdk.playback)", { skip }, () => {
  let dir;
  let file;
  const created = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "sg-sdk-asset-"));
    file = join(dir, "clip.mp4");
    // 8 s of 640x360 30 fps H.264 with AAC, a keyframe every 2 s, as a phone or editor would export it.
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
      "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "8", "-c:v", "libx264", "-preset", "veryfast",
      "-g", "60", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart", "-y", file]);
  });

  after(async () => {
    for (const id of created) await livepeer.asset.delete(id).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it("create, PUT the file, poll until ready, then play it; webhooks follow along", async (t) => {
    // A webhook receiver for the asset and task events of this project.
    const received = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d)).on("end", () => {
        received.push(JSON.parse(body));
        res.end("ok");
      });
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    t.after(() => {
      server.closeAllConnections();
      server.close();
    });
    const hook = await livepeer.webhook.create({
      name: "asset events",
      url: `http://127.0.0.1:${server.address().port}/hook`,
      events: ["asset.created", "asset.updated", "asset.ready", "asset.deleted", "task.spawned", "task.updated", "task.completed"],
    });
    assert.equal(hook.statusCode, 200);

    const res = await livepeer.asset.create({ name: "sdk upload", staticMp4: true });
    assert.equal(res.statusCode, 200);
    const { url, tusEndpoint, asset, task } = res.data;
    created.push(asset.id);
    assert.match(url, /\/api\/asset\/upload\/direct\?token=/);
    assert.match(tusEndpoint, /\/api\/asset\/upload\/tus\?token=/);
    assert.equal(asset.status.phase, "uploading");
    assert.equal(asset.source.type, "directUpload");
    assert.ok(task.id);

    const put = await fetch(url, { method: "PUT", body: readFileSync(file) });
    assert.equal(put.status, 200, await put.text());
    // The URL is good for one file: a second PUT is refused.
    const again = await fetch(url, { method: "PUT", body: readFileSync(file) });
    assert.equal(again.status, 409);

    const { asset: ready, phases } = await waitForAsset(asset.id, 240);
    assert.equal(ready.status.phase, "ready", ready.status.errorMessage);
    assert.ok(phases.has("ready"));
    assert.ok(ready.playbackUrl?.endsWith(`/hls/${ready.playbackId}/index.m3u8`), ready.playbackUrl);
    assert.equal(ready.size, readFileSync(file).length);
    assert.ok(ready.videoSpec.duration > 7.5 && ready.videoSpec.duration < 8.5, JSON.stringify(ready.videoSpec));
    assert.equal(ready.videoSpec.tracks, undefined, "tracks only with ?details=1");
    const detailed = await fetch(`${API_URL}/asset/${asset.id}?details=1`, { headers: { Authorization: `Bearer ${API_KEY}` } })
      .then((r) => r.json());
    assert.deepEqual(detailed.videoSpec.tracks.map((t) => t.type).sort(), ["audio", "video"]);

    const taskRes = await livepeer.task.get(task.id);
    assert.equal(taskRes.statusCode, 200);
    assert.equal(taskRes.task.status.phase, "completed");
    assert.equal(taskRes.task.outputAssetId, asset.id);

    const playback = await livepeer.playback.get(ready.playbackId);
    assert.equal(playback.statusCode, 200);
    assert.equal(playback.playbackInfo.type, "vod");
    const hls = playback.playbackInfo.meta.source.find((s) => s.hrn === "HLS (TS)");
    assert.equal(hls.url, ready.playbackUrl);

    // staticMp4: an MP4 download, listed first in the playback info, that ffprobe reads as the whole video.
    const mp4 = playback.playbackInfo.meta.source.find((s) => s.hrn === "MP4");
    assert.equal(playback.playbackInfo.meta.source[0].hrn, "MP4");
    assert.equal(mp4.type, "html5/video/mp4");
    assert.equal(ready.downloadUrl, mp4.url);
    const mp4File = join(dir, "download.mp4");
    const download = await fetch(mp4.url);
    assert.equal(download.status, 200);
    writeFileSync(mp4File, Buffer.from(await download.arrayBuffer()));
    const probed = JSON.parse(execFileSync("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", mp4File]));
    assert.ok(Math.abs(Number(probed.format.duration) - 8) < 0.6, probed.format.duration);
    assert.deepEqual(probed.streams.map((s) => s.codec_type).sort(), ["audio", "video"]);
    // A range request seeks into it, as players do.
    const range = await fetch(mp4.url, { headers: { Range: "bytes=0-99" } });
    assert.equal(range.status, 206);

    // Thumbnails: a WebVTT index of JPEGs every 5 s.
    const thumbs = playback.playbackInfo.meta.source.find((s) => s.hrn === "Thumbnails");
    assert.equal(thumbs.type, "text/vtt");
    const vtt = await fetch(thumbs.url).then((r) => r.text());
    assert.match(vtt, /^WEBVTT/);
    const pictures = [...vtt.matchAll(/^(\d+\.jpg)$/gm)].map((m) => m[1]);
    assert.equal(pictures.length, 2, vtt);
    // The first of them is the poster, as its own source.
    const poster = playback.playbackInfo.meta.source.find((s) => s.hrn === "Thumbnail (JPEG)");
    assert.equal(poster.type, "image/jpeg");
    assert.equal(poster.url, new URL(pictures[0], thumbs.url).toString());
    const jpeg = await fetch(poster.url);
    assert.equal(jpeg.headers.get("content-type"), "image/jpeg");
    assert.deepEqual([...new Uint8Array(await jpeg.arrayBuffer()).subarray(0, 2)], [0xff, 0xd8]);

    // The HLS ladder plays: the master lists the source-size rendition and the 360p0 rung, each a finished VOD
    // playlist whose segments add up to the file's duration.
    const master = await fetch(hls.url).then((r) => r.text());
    assert.match(master, /RESOLUTION=640x360/);
    const variants = master.split("\n").filter((l) => l.endsWith("index.m3u8"));
    assert.ok(variants.length >= 1, master);
    for (const v of variants) {
      const media = await fetch(new URL(v, hls.url)).then((r) => r.text());
      assert.match(media, /#EXT-X-PLAYLIST-TYPE:VOD/);
      assert.match(media, /#EXT-X-ENDLIST/);
      const total = [...media.matchAll(/#EXTINF:([0-9.]+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
      assert.ok(Math.abs(total - 8) < 0.6, `${v}: ${total} s`);
      const first = media.split("\n").find((l) => l.endsWith(".ts"));
      const seg = await fetch(new URL(first, new URL(v, hls.url)));
      assert.equal(seg.status, 200);
      assert.ok((await seg.arrayBuffer()).byteLength > 1000);
    }

    // Listed, then deleted with its files.
    const all = await livepeer.asset.getAll();
    assert.ok(all.data.some((a) => a.id === asset.id));
    const del = await livepeer.asset.delete(asset.id);
    assert.equal(del.statusCode, 204);
    // Playlists are cached for at most a second on each node; then they are gone with the files.
    let gone = 0;
    for (let i = 0; i < 20 && gone !== 404; i++) {
      gone = (await fetch(hls.url)).status;
      if (gone !== 404) await sleep(250);
    }
    assert.equal(gone, 404);
    assert.equal((await fetch(mp4.url)).status, 404);
    await assert.rejects(livepeer.asset.get(asset.id));

    // Every step reached the webhook, about this asset and its task, with Studio's payloads.
    const mine = () => received.filter((e) => e.payload?.asset?.id === asset.id || e.payload?.task?.id === task.id).map((e) => e.event);
    const until = Date.now() + 20_000;
    while (!["asset.created", "task.spawned", "asset.ready", "task.completed", "asset.deleted"].every((n) => mine().includes(n)) && Date.now() < until) {
      await sleep(250);
    }
    await livepeer.webhook.delete(hook.webhook.id);
    for (const n of ["asset.created", "task.spawned", "asset.updated", "task.updated", "asset.ready", "task.completed", "asset.deleted"]) {
      assert.ok(mine().includes(n), `${n} missing from ${JSON.stringify(mine())}`);
    }
    const readyEvent = received.find((e) => e.event === "asset.ready" && e.payload.asset.id === asset.id);
    assert.equal(readyEvent.payload.asset.snapshot.status.phase, "ready");
    assert.equal(readyEvent.payload.asset.snapshot.playbackUrl, ready.playbackUrl);
    const completed = received.find((e) => e.event === "task.completed" && e.payload.task.id === task.id);
    assert.equal(completed.payload.success, true);
    assert.equal(completed.payload.task.type, "upload");
  });

  it("a tus upload interrupted half-way resumes where it stopped (tus-js-client)", async () => {
    const res = await livepeer.asset.create({ name: "tus upload" });
    const { tusEndpoint, asset } = res.data;
    created.push(asset.id);
    const data = readFileSync(file);
    const chunkSize = 64 * 1024;

    // First attempt: stopped by the client once about half the file has gone.
    let first;
    await new Promise((resolve, reject) => {
      first = new tus.Upload(data, {
        endpoint: tusEndpoint,
        chunkSize,
        retryDelays: null,
        metadata: { filename: "clip.mp4", filetype: "video/mp4" },
        onError: reject,
        onSuccess: () => reject(new Error("the upload finished before it could be interrupted")),
        onChunkComplete: (_, sent, total) => {
          if (sent >= total / 2) first.abort().then(resolve, reject);
        },
      });
      first.start();
    });
    assert.ok(first.url, "the server gave the upload a URL");

    // The server kept what arrived and says where to go on.
    const head = await fetch(first.url, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } });
    assert.equal(head.status, 200);
    const offset = Number(head.headers.get("upload-offset"));
    assert.ok(offset > 0 && offset < data.length, `offset ${offset} of ${data.length}`);
    assert.equal(Number(head.headers.get("upload-length")), data.length);
    // A PATCH at any other offset is refused.
    const wrong = await fetch(first.url, {
      method: "PATCH",
      headers: { "Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
      body: data.subarray(0, 10),
    });
    assert.equal(wrong.status, 409);

    // Second attempt on the same URL: it resumes from the offset instead of sending the file again.
    let resentFrom = -1;
    await new Promise((resolve, reject) => {
      const second = new tus.Upload(data, {
        endpoint: tusEndpoint,
        uploadUrl: first.url,
        chunkSize,
        retryDelays: null,
        onError: reject,
        onSuccess: resolve,
        onChunkComplete: (size, sent) => {
          if (resentFrom < 0) resentFrom = sent - size;
        },
      });
      second.start();
    });
    assert.equal(resentFrom, offset, "the second upload started where the first one stopped");

    const { asset: ready } = await waitForAsset(asset.id, 240);
    assert.equal(ready.status.phase, "ready", ready.status.errorMessage);
    assert.equal(ready.size, data.length);
  });

  it("imports from a URL (createViaUrl), and the same URL again answers the same asset", async () => {
    // A plain file server on loopback, which ./dev allows imports from (production refuses private addresses).
    const data = readFileSync(file);
    const server = createServer((req, res) => {
      if (req.url === "/clip.mp4") {
        res.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": data.length }).end(data);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${server.address().port}`;
    try {
      const res = await livepeer.asset.createViaUrl({ name: "imported", url: `${base}/clip.mp4` });
      assert.equal(res.statusCode, 201);
      const { asset, task } = res.twoHundredAndOneApplicationJsonData;
      created.push(asset.id);
      assert.equal(asset.source.type, "url");
      assert.equal(asset.source.url, `${base}/clip.mp4`);
      const again = await livepeer.asset.createViaUrl({ name: "imported again", url: `${base}/clip.mp4` });
      assert.equal(again.statusCode, 200);
      assert.equal(again.twoHundredApplicationJsonData.asset.id, asset.id);
      assert.equal(again.twoHundredApplicationJsonData.task.id, task.id);

      const { asset: ready } = await waitForAsset(asset.id, 240);
      assert.equal(ready.status.phase, "ready", ready.status.errorMessage);
      assert.equal(ready.size, data.length);

      // A URL that answers 404 ends failed, saying so.
      const missing = await livepeer.asset.createViaUrl({ name: "missing", url: `${base}/nothing.mp4` });
      created.push(missing.twoHundredAndOneApplicationJsonData.asset.id);
      const { asset: failed } = await waitForAsset(missing.twoHundredAndOneApplicationJsonData.asset.id, 60);
      assert.equal(failed.status.phase, "failed");
      assert.match(failed.status.errorMessage, /404/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
    // Not a URL at all: refused at once.
    const bad = await fetch(`${API_URL}/asset/upload/url`, {
      method: "POST",
      headers: { Authorization: `Bearer ${API_KEY}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "bad", url: "ftp://example.com/x.mp4" }),
    });
    assert.equal(bad.status, 422);
  });

  /** Encodes a test file with ffmpeg; `args` go between the inputs and the output. */
  function encode(name, inputs, args) {
    const out = join(dir, name);
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", ...inputs, ...args, "-y", out]);
    return readFileSync(out);
  }

  async function uploaded(name, body, seconds) {
    const res = await livepeer.asset.create({ name });
    created.push(res.data.asset.id);
    const put = await fetch(res.data.url, { method: "PUT", body });
    assert.equal(put.status, 200);
    return (await waitForAsset(res.data.asset.id, seconds)).asset;
  }

  it("a tus upload abandoned half-way ends failed once its time is up", async () => {
    // ./dev test gives uploads 20 s (Assets__UploadTimeoutSeconds); production gives them a day.
    const res = await livepeer.asset.create({ name: "abandoned" });
    created.push(res.data.asset.id);
    const data = readFileSync(file);
    const post = await fetch(res.data.tusEndpoint, { method: "POST", headers: { "Tus-Resumable": "1.0.0", "Upload-Length": String(data.length) } });
    assert.equal(post.status, 201);
    const patch = await fetch(post.headers.get("location"), {
      method: "PATCH",
      headers: { "Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
      body: data.subarray(0, 100_000),
    });
    assert.equal(patch.status, 204);
    assert.equal(patch.headers.get("upload-offset"), "100000");
    const { asset } = await waitForAsset(res.data.asset.id, 60);
    assert.equal(asset.status.phase, "failed");
    assert.match(asset.status.errorMessage, /upload was not finished/);
  });

  it("a gateway killed while processing goes on with the asset after it restarts", async () => {
    // ./dev test picks up processing that made no progress for 30 s (Assets__StuckSeconds; 15 min in production).
    const long = encode("long.mp4", ["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30"],
      ["-t", "30", "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-pix_fmt", "yuv420p"]);
    const res = await livepeer.asset.create({ name: "interrupted" });
    created.push(res.data.asset.id);
    assert.equal((await fetch(res.data.url, { method: "PUT", body: long })).status, 200);
    const until = Date.now() + 120_000;
    let seen;
    do {
      await sleep(100);
      seen = (await livepeer.asset.get(res.data.asset.id)).asset;
    } while (!(seen.status.phase === "processing" && seen.status.progress > 0) && seen.status.phase !== "ready" && Date.now() < until);
    assert.equal(seen.status.phase, "processing", "the asset finished before the gateway could be killed");

    const dev = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dev");
    execFileSync(dev, ["gateway", "kill"], { stdio: "ignore" });
    execFileSync(dev, ["gateway", "start"], { stdio: "ignore" });

    const { asset } = await waitForAsset(res.data.asset.id, 240);
    assert.equal(asset.status.phase, "ready", asset.status.errorMessage);
    const media = await fetch(new URL("360p0/index.m3u8", asset.playbackUrl)).then((r) => r.text());
    const total = [...media.matchAll(/#EXTINF:([0-9.]+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    assert.ok(Math.abs(total - 30) < 0.6, `${total} s of 30`);
  });

  it("bad files end failed with a message a person understands", async () => {
    const whole = readFileSync(file);
    // The clip's index is at the front (faststart), so a cut-off copy still says it lasts 8 s.
    const truncated = whole.subarray(0, Math.floor(whole.length / 2));
    // The same clip with its index at the end, cut off: the index never arrived.
    const tail = encode("tail.mp4", ["-i", file], ["-c", "copy"]);
    const audioOnly = encode("tone.m4a", ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"], ["-t", "3", "-c:a", "aac"]);
    // A valid Matroska file holding only subtitles: no audio, no video.
    writeFileSync(join(dir, "words.srt"), "1\n00:00:00,000 --> 00:00:02,000\nhello\n\n2\n00:00:02,000 --> 00:00:04,000\nagain\n");
    const subtitlesOnly = encode("words.mkv", ["-i", join(dir, "words.srt")], ["-c:s", "srt"]);
    const cases = [
      ["empty", Buffer.alloc(0), /empty/],
      ["random bytes", Buffer.from(Array.from({ length: 65536 }, () => Math.floor(Math.random() * 256))), /not a video/],
      ["truncated", truncated, /truncated/],
      ["no index", tail.subarray(0, Math.floor(tail.length / 2)), /not a video/],
      ["audio only", audioOnly, /no video track/],
      ["no video at all", subtitlesOnly, /no video track/],
    ];
    for (const [name, body, message] of cases) {
      const asset = await uploaded(`bad: ${name}`, body, 60);
      assert.equal(asset.status.phase, "failed", name);
      assert.match(asset.status.errorMessage, message, name);
    }
  });

  it("unusual but valid files play: vertical video, variable frame rate with B-frames", async () => {
    const vertical = encode("vertical.mp4", ["-f", "lavfi", "-i", "testsrc2=size=1080x1920:rate=30"],
      ["-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-pix_fmt", "yuv420p"]);
    const asset = await uploaded("vertical", vertical, 240);
    assert.equal(asset.status.phase, "ready", asset.status.errorMessage);
    const master = await fetch(asset.playbackUrl).then((r) => r.text());
    // Portrait renditions, never squeezed into landscape boxes.
    assert.match(master, /RESOLUTION=360x640/);
    assert.match(master, /RESOLUTION=1080x1920/);

    // Frames dropped irregularly (timestamps kept), encoded with B-frames.
    const vfr = encode("vfr.mp4", ["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30"],
      ["-t", "6", "-vf", "select='not(mod(n\\,3))+lt(n\\,20)'", "-fps_mode", "vfr", "-c:v", "libx264", "-preset", "veryfast", "-bf", "3",
        "-g", "30", "-pix_fmt", "yuv420p"]);
    const variable = await uploaded("variable frame rate", vfr, 240);
    assert.equal(variable.status.phase, "ready", variable.status.errorMessage);
  });

  it("a forged upload URL is refused", async () => {
    const res = await livepeer.asset.create({ name: "forged" });
    created.push(res.data.asset.id);
    const forged = res.data.url.replace(/token=([^.]+)\.([^.]+)\./, "token=$1.9999999999.");
    const put = await fetch(forged, { method: "PUT", body: Buffer.from("x") });
    assert.equal(put.status, 401);
  });
});

describe("recordings and clips of a live stream (sdk.stream, sdk.session, sdk.playback)", { skip }, () => {
  it("a recorded stream's session becomes an asset, and a clip of its last seconds becomes another", async (t) => {
    const rtmp = process.env.SG_RTMP_URL?.trim();
    assert.ok(rtmp, "SG_RTMP_URL is needed to publish");
    const stream = (
      await livepeer.stream.create({
        name: "sdk-recorded",
        record: true,
        profiles: [{ name: "240p", width: 426, height: 240, bitrate: 300_000, fps: 0 }],
      })
    ).stream;
    // An encoder publishing 16 s of a test pattern with a tone, a keyframe every second.
    const encoder = spawn("ffmpeg", ["-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=15",
      "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "16", "-c:v", "libx264", "-preset", "ultrafast", "-g", "15",
      "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "flv", `${rtmp}/${stream.streamKey}`], { stdio: "ignore" });
    const exited = new Promise((resolve) => encoder.on("exit", resolve));
    t.after(() => encoder.kill("SIGKILL"));

    let session;
    for (const until = Date.now() + 40_000; Date.now() < until; await sleep(500)) {
      const res = await livepeer.session.getRecorded(stream.id, true);
      assert.equal(res.statusCode, 200);
      session = res.data[0];
      if (session?.sourceSegmentsDuration >= 10) break;
    }
    assert.ok(session?.sourceSegmentsDuration >= 10, "10 s of the stream were not ingested in time");
    assert.equal(session.recordingStatus, "waiting");

    const now = Date.now();
    const clip = await livepeer.stream.createClip({ playbackId: stream.playbackId, startTime: now - 7000, endTime: now - 3000 });
    assert.equal(clip.statusCode, 200, JSON.stringify(clip.error));
    assert.equal(clip.data.asset.source.type, "clip");
    assert.equal(clip.data.asset.source.sessionId, session.id);
    assert.ok(clip.data.task.id);

    assert.equal(await exited, 0, "the encoder failed");
    const { asset: clipped } = await waitForAsset(clip.data.asset.id, 90);
    assert.equal(clipped.status.phase, "ready", clipped.status.errorMessage);
    assert.ok(Math.abs(clipped.videoSpec.duration - 4) < 0.5, `a 4 s range made a ${clipped.videoSpec.duration} s clip`);
    assert.deepEqual((await livepeer.stream.getClips(stream.id)).data.map((a) => a.id), [clipped.id]);
    assert.deepEqual((await livepeer.session.getClips(session.id)).data.map((a) => a.id), [clipped.id]);

    for (const until = Date.now() + 90_000; Date.now() < until; await sleep(1000)) {
      session = (await livepeer.session.get(session.id)).session;
      if (session.recordingStatus !== "waiting") break;
    }
    assert.equal(session.recordingStatus, "ready");
    const master = await (await fetch(session.recordingUrl)).text();
    assert.match(master, /240p\/index\.m3u8/);
    assert.equal((await fetch(session.mp4Url, { method: "HEAD" })).status, 200);
    const recording = (await livepeer.asset.get(session.id)).asset;
    assert.deepEqual(recording.source, { type: "recording", sessionId: session.id });
    const playback = await livepeer.playback.get(session.id);
    assert.equal(playback.playbackInfo.type, "recording");
    assert.equal(playback.playbackInfo.meta.source[0].url, session.recordingUrl);
    await livepeer.asset.delete(clipped.id);
    await livepeer.asset.delete(recording.id);
    assert.equal((await livepeer.session.get(session.id)).session.recordingStatus, "deleted");
  });

  it("a recorded session whose gateway died mid-publish still becomes a recording once the gateway is back", async (t) => {
    const rtmp = process.env.SG_RTMP_URL?.trim();
    const stream = (
      await livepeer.stream.create({
        name: "sdk-recorded-crash",
        record: true,
        profiles: [{ name: "240p", width: 426, height: 240, bitrate: 300_000, fps: 0 }],
      })
    ).stream;
    const encoder = spawn("ffmpeg", ["-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=15",
      "-t", "60", "-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-pix_fmt", "yuv420p", "-f", "flv", `${rtmp}/${stream.streamKey}`],
      { stdio: "ignore" });
    t.after(() => encoder.kill("SIGKILL"));
    let session;
    for (const until = Date.now() + 40_000; Date.now() < until && !(session?.sourceSegmentsDuration >= 6); await sleep(500)) {
      session = (await livepeer.session.getRecorded(stream.id, true)).data[0];
    }
    assert.ok(session?.sourceSegmentsDuration >= 6, "6 s of the stream were not ingested in time");

    // The node dies with the publish open: no end of session, no recording started by it.
    const dev = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dev");
    execFileSync(dev, ["gateway", "kill"], { stdio: "ignore" });
    encoder.kill("SIGKILL");
    execFileSync(dev, ["gateway", "start"], { stdio: "ignore" });

    // ./dev test ends a session 8 s after its last media when no node holds its publisher (a minute in production).
    for (const until = Date.now() + 120_000; Date.now() < until; await sleep(1000)) {
      try {
        session = (await livepeer.session.get(session.id)).session;
      } catch (err) {
        // The first request after the restart may go out on a connection the old process held.
        if (err?.name !== "ConnectionError") throw err;
        continue;
      }
      if (session.recordingStatus !== "waiting") break;
    }
    assert.equal(session.recordingStatus, "ready");
    assert.equal((await livepeer.stream.get(stream.id)).stream.isActive, false);
    const recording = (await livepeer.asset.get(session.id)).asset;
    const media = await fetch(new URL("source/index.m3u8", recording.playbackUrl)).then((r) => r.text());
    const total = [...media.matchAll(/#EXTINF:([0-9.]+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    assert.ok(Math.abs(total - session.sourceSegmentsDuration) < 0.6, `${total} s of ${session.sourceSegmentsDuration}`);
    assert.match(await fetch(recording.playbackUrl).then((r) => r.text()), /240p\/index\.m3u8/);
    await livepeer.asset.delete(recording.id);
  });
});

