// The transcode API through the official Livepeer Studio SDK (npm `livepeer` 3.5.0), unchanged: `transcode.create`
// with a file served over HTTP and an S3 bucket for the results, `task.get` until the task completes, then the HLS
// it wrote played from the bucket by ffmpeg and read by hls.js's own rules (a master with variants, VOD playlists).
//
// Needs SG_API_URL and SG_API_KEY (see sdk.test.mjs), SG_S3_URL and SG_S3_BUCKET (the S3-protocol server `./dev`
// starts; any S3-compatible bucket works), and ffmpeg on PATH.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Livepeer } from "livepeer";
import { TranscodePayloadSchemasType } from "livepeer/models/components/index.js";

const API_URL = process.env.SG_API_URL?.trim();
const API_KEY = process.env.SG_API_KEY?.trim();
const S3_URL = process.env.SG_S3_URL?.trim();
const S3_BUCKET = process.env.SG_S3_BUCKET?.trim();
const skip = !API_URL || !API_KEY || !S3_URL || !S3_BUCKET ? "missing SG_API_URL, SG_API_KEY, SG_S3_URL or SG_S3_BUCKET" : false;
const livepeer = skip ? null : new Livepeer({ serverURL: API_URL, apiKey: API_KEY });
const SECRET = "sdk-secret-that-must-never-come-back";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe("transcode into a bucket (sdk.transcode, sdk.task)", { skip }, () => {
  let dir;
  let server;
  let fileUrl;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "sg-sdk-transcode-"));
    const file = join(dir, "clip.mp4");
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
      "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "6", "-c:v", "libx264", "-preset", "veryfast",
      "-g", "60", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart", "-y", file]);
    const bytes = readFileSync(file);
    server = createServer((req, res) => {
      res.writeHead(200, { "content-type": "video/mp4", "content-length": bytes.length });
      res.end(bytes);
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    fileUrl = `http://127.0.0.1:${server.address().port}/clip.mp4`;
  });

  after(() => {
    server?.closeAllConnections();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("transcode.create writes HLS into the bucket that ffmpeg plays from there", async () => {
    const prefix = `sdk-transcode/${Date.now()}`;
    const res = await livepeer.transcode.create({
      input: { url: fileUrl },
      storage: {
        type: TranscodePayloadSchemasType.S3,
        endpoint: S3_URL,
        bucket: S3_BUCKET,
        credentials: { accessKeyId: "S3RVER", secretAccessKey: SECRET },
      },
      outputs: { hls: { path: `/${prefix}/hls` } },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.error, undefined);
    const task = res.task;
    assert.equal(task.type, "transcode-file");
    assert.equal(task.status.phase, "pending");
    assert.equal(task.params.transcodeFile.input.url, fileUrl);
    assert.equal(task.params.transcodeFile.storage.url, `s3+${S3_URL}/${S3_BUCKET}`);
    assert.ok(!JSON.stringify(task).includes(SECRET), "the credentials came back");

    let done;
    const until = Date.now() + 240_000;
    while (Date.now() < until) {
      const got = await livepeer.task.get(task.id);
      assert.equal(got.statusCode, 200);
      done = got.task;
      if (done.status.phase === "completed" || done.status.phase === "failed") break;
      await sleep(500);
    }
    assert.equal(done.status.phase, "completed", done.status.errorMessage);
    assert.equal(done.status.progress, 1);
    assert.ok(!JSON.stringify(done).includes(SECRET), "the credentials came back");

    // The bucket holds a master playlist with variants, each a finished VOD playlist of .ts segments.
    const masterUrl = `${S3_URL}/${S3_BUCKET}/${prefix}/hls/index.m3u8`;
    const master = await fetch(masterUrl).then((r) => r.text());
    assert.match(master, /^#EXTM3U/);
    assert.match(master, /RESOLUTION=640x360/);
    const variants = master.split("\n").filter((l) => l.endsWith("index.m3u8"));
    assert.ok(variants.length >= 1, master);
    for (const v of variants) {
      const media = await fetch(new URL(v, masterUrl)).then((r) => r.text());
      assert.match(media, /#EXT-X-ENDLIST/);
      const total = [...media.matchAll(/#EXTINF:([0-9.]+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
      assert.ok(Math.abs(total - 6) < 0.6, `${v}: ${total} s`);
    }
    // ffmpeg, as a receiver we did not write, decodes it all from the bucket.
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", masterUrl, "-map", "0:v:0", "-f", "null", "-"]);
    const seconds = Number(execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", masterUrl])
      .toString().trim().split("\n")[0]);
    assert.ok(Math.abs(seconds - 6) < 0.6, `${seconds} s`);
  });

  it("a bucket that does not exist ends the task failed with a message naming it", async () => {
    const res = await livepeer.transcode.create({
      input: { url: fileUrl },
      storage: {
        type: TranscodePayloadSchemasType.S3,
        endpoint: S3_URL,
        bucket: "sdk-no-such-bucket",
        credentials: { accessKeyId: "S3RVER", secretAccessKey: SECRET },
      },
      outputs: { hls: { path: "x" } },
    });
    assert.equal(res.statusCode, 200);
    let done;
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      done = (await livepeer.task.get(res.task.id)).task;
      if (done.status.phase === "completed" || done.status.phase === "failed") break;
      await sleep(250);
    }
    assert.equal(done.status.phase, "failed");
    assert.match(done.status.errorMessage, /the output bucket 'sdk-no-such-bucket' does not exist/);
  });
});
