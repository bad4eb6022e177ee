// Drives a running StreamGateway with the official Livepeer Studio SDK (npm `livepeer` 3.5.0),
// unchanged, the way a Studio customer would.
//
//   ./dev up && set -a && . .dev/env && set +a
//   (cd tests/sdk && npm ci) && node --test tests/sdk/
//
// Needs SG_API_URL (e.g. http://127.0.0.1:PORT/api) and SG_API_KEY (a Bearer API key).
//
// The SDK does not always throw on an unexpected status: a JSON reply with a status it does not list
// resolves as `{ statusCode, error: {...} }` with the data field undefined. So every step below checks
// `statusCode`, that `error` is absent, and that the data field is present.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Livepeer } from "livepeer";
import { Events, Profile, Type } from "livepeer/models/components/index.js";
import { SDKError } from "livepeer/models/errors/index.js";

const API_URL = process.env.SG_API_URL?.trim();
const API_KEY = process.env.SG_API_KEY?.trim();
const missing = [!API_URL && "SG_API_URL", !API_KEY && "SG_API_KEY"].filter(Boolean);
const skipAll = missing.length > 0 ? `missing ${missing.join(", ")}` : false;

// Fails (not skips) when the environment is incomplete, so `node --test tests/sdk/` exits non-zero.
it("environment provides SG_API_URL and SG_API_KEY", () => {
  assert.equal(
    missing.length,
    0,
    `Missing environment variable(s): ${missing.join(", ")}. ` +
      "Start the system with `./dev up`, then `set -a; . .dev/env; set +a` before running these tests.",
  );
  assert.match(API_URL, /^https?:\/\/[^/]+\/api\/?$/, "SG_API_URL should look like http://HOST:PORT/api");
});

const livepeer = skipAll ? null : new Livepeer({ serverURL: API_URL, apiKey: API_KEY });

// Shapes documented for Studio (controllers/generate-keys.ts): uuid ids, `xxxx-xxxx-xxxx-xxxx` stream keys,
// 16-char playback ids, both lower-case base-36 and sharing their first 4 chars with the stream id.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STREAM_KEY = /^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/;
const PLAYBACK_ID = /^[0-9a-z]{16}$/;

const runTag = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** Asserts the SDK took its success path: the expected status, no `error`, and the data field present. */
function expectOk(result, status, dataKey) {
  assert.ok(result, "SDK returned nothing");
  assert.equal(
    result.statusCode,
    status,
    `expected HTTP ${status}, got ${result.statusCode} (error: ${JSON.stringify(result.error)})`,
  );
  assert.equal(result.error, undefined, `unexpected error payload: ${JSON.stringify(result.error)}`);
  if (dataKey) assert.notEqual(result[dataKey], undefined, `result.${dataKey} is missing`);
  return dataKey ? result[dataKey] : undefined;
}

/** Asserts `promise` rejects with the SDK's SDKError carrying the given HTTP status. */
async function expectSdkError(promise, status) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof SDKError, `expected SDKError, got ${err?.name}: ${err?.message}`);
    assert.equal(err.statusCode, status, `expected HTTP ${status}: ${err.message}`);
    return true;
  });
}

function assertRecentTimestamp(ms, label) {
  assert.equal(typeof ms, "number", `${label} should be a number (epoch ms)`);
  // Epoch milliseconds, not seconds; generous window for clock skew.
  assert.ok(Math.abs(Date.now() - ms) < 10 * 60 * 1000, `${label}=${ms} is not close to now (epoch ms)`);
}

const sortedNames = (profiles) => (profiles ?? []).map((p) => p.name).sort();

describe("stream (sdk.stream)", { skip: skipAll }, () => {
  const createPayload = {
    name: `sdk-stream-${runTag}`,
    profiles: [
      { name: "720p", width: 1280, height: 720, bitrate: 3_000_000, fps: 30 },
      {
        name: "360p",
        width: 640,
        height: 360,
        bitrate: 800_000,
        fps: 30,
        fpsDen: 1,
        gop: "2.0",
        profile: Profile.H264Baseline,
      },
    ],
    record: true,
    userTags: { suite: "sdk", attempt: 3, labels: ["alpha", 7] },
    playbackPolicy: { type: Type.Public },
  };
  let created; // the Stream returned by create
  let deleted = false;

  after(async () => {
    // Best effort: leave nothing behind if a step in the middle failed.
    if (created?.id && !deleted) {
      await livepeer.stream.delete(created.id).catch(() => {});
    }
  });

  function assertMatchesCreatePayload(stream) {
    assert.equal(stream.name, createPayload.name);
    assert.equal(stream.record, true);
    assert.deepEqual(sortedNames(stream.profiles), ["360p", "720p"]);
    const p720 = stream.profiles.find((p) => p.name === "720p");
    assert.equal(p720.width, 1280);
    assert.equal(p720.height, 720);
    assert.equal(p720.bitrate, 3_000_000);
    assert.equal(p720.fps, 30);
    const p360 = stream.profiles.find((p) => p.name === "360p");
    assert.equal(p360.width, 640);
    assert.equal(p360.height, 360);
    assert.equal(p360.bitrate, 800_000);
    assert.equal(p360.gop, "2.0");
    assert.equal(p360.profile, Profile.H264Baseline);
    assert.deepEqual(stream.userTags, createPayload.userTags);
    assert.ok(stream.playbackPolicy, "playbackPolicy should be returned");
    assert.equal(stream.playbackPolicy.type, "public");
  }

  it("create returns 201 with the new stream", async () => {
    const res = await livepeer.stream.create(createPayload);
    created = expectOk(res, 201, "stream");

    assert.match(created.id ?? "", UUID, `stream id ${created.id} should be a uuid`);
    assertMatchesCreatePayload(created);

    assert.match(created.streamKey ?? "", STREAM_KEY, `streamKey ${created.streamKey}`);
    assert.match(created.playbackId ?? "", PLAYBACK_ID, `playbackId ${created.playbackId}`);
    assert.notEqual(created.playbackId, created.streamKey.replaceAll("-", ""), "playbackId must not reveal the streamKey");
    const shard = created.id.slice(0, 4).toLowerCase();
    assert.equal(created.streamKey.slice(0, 4), shard, "streamKey starts with the id's first 4 chars");
    assert.equal(created.playbackId.slice(0, 4), shard, "playbackId starts with the id's first 4 chars");

    assert.equal(created.isActive, false, "a new stream is not active");
    assert.equal(created.suspended ?? false, false);
    assert.equal(created.parentId, undefined, "a created stream is a parent stream");
    assertRecentTimestamp(created.createdAt, "createdAt");
  });

  it("get returns the same stream", async () => {
    assert.ok(created?.id, "create failed earlier");
    const res = await livepeer.stream.get(created.id);
    const stream = expectOk(res, 200, "stream");
    assert.equal(stream.id, created.id);
    assertMatchesCreatePayload(stream);
    assert.equal(stream.streamKey, created.streamKey, "the owner can read the streamKey");
    assert.equal(stream.playbackId, created.playbackId);
    assert.equal(stream.createdAt, created.createdAt);
  });

  it("getAll lists the stream", async () => {
    assert.ok(created?.id, "create failed earlier");
    const res = await livepeer.stream.getAll();
    const list = expectOk(res, 200, "data");
    assert.ok(Array.isArray(list), "data should be an array");
    const mine = list.find((s) => s.id === created.id);
    assert.ok(mine, `stream ${created.id} missing from getAll()`);
    assert.equal(mine.name, createPayload.name);
    assert.equal(mine.playbackId, created.playbackId);
    for (const s of list) assert.equal(typeof s.name, "string", "every listed stream has a name");
  });

  for (const flag of ["true", "1"]) {
    it(`getAll(streamsonly="${flag}") lists only parent streams, including ours`, async () => {
      assert.ok(created?.id, "create failed earlier");
      const res = await livepeer.stream.getAll(flag);
      const list = expectOk(res, 200, "data");
      assert.ok(Array.isArray(list), "data should be an array");
      assert.ok(list.some((s) => s.id === created.id), `stream ${created.id} missing from getAll("${flag}")`);
      for (const s of list) assert.equal(s.parentId, undefined, `streamsonly returned child stream ${s.id}`);
    });
  }

  it("update returns 204 and the change is visible on get", async () => {
    assert.ok(created?.id, "create failed earlier");
    const patch = {
      name: `sdk-stream-${runTag}-renamed`,
      record: false,
      userTags: { suite: "sdk", phase: "updated" },
    };
    const res = await livepeer.stream.update(patch, created.id);
    expectOk(res, 204);

    const after = expectOk(await livepeer.stream.get(created.id), 200, "stream");
    assert.equal(after.name, patch.name);
    assert.equal(after.record, false);
    assert.deepEqual(after.userTags, patch.userTags);
    // Fields not in the patch are kept.
    assert.deepEqual(sortedNames(after.profiles), ["360p", "720p"]);
    assert.equal(after.playbackPolicy?.type, "public");
    assert.equal(after.streamKey, created.streamKey);
    assert.equal(after.playbackId, created.playbackId);
  });

  it("terminate returns 204 and leaves the stream in place", async () => {
    assert.ok(created?.id, "create failed earlier");
    const res = await livepeer.stream.terminate(created.id);
    expectOk(res, 204);

    const after = expectOk(await livepeer.stream.get(created.id), 200, "stream");
    assert.equal(after.id, created.id);
    assert.equal(after.isActive, false);
    if (after.lastTerminatedAt !== undefined && after.lastTerminatedAt !== null) {
      assertRecentTimestamp(after.lastTerminatedAt, "lastTerminatedAt");
    }
  });

  it("delete returns 204, then get fails with 404", async () => {
    assert.ok(created?.id, "create failed earlier");
    const res = await livepeer.stream.delete(created.id);
    expectOk(res, 204);
    deleted = true;

    await expectSdkError(livepeer.stream.get(created.id), 404);
    const list = expectOk(await livepeer.stream.getAll(), 200, "data");
    assert.ok(!list.some((s) => s.id === created.id), "a deleted stream must not be listed");
  });
});

describe("webhook (sdk.webhook)", { skip: skipAll }, () => {
  const createPayload = {
    name: `sdk-webhook-${runTag}`,
    url: "http://127.0.0.1:9/hook",
    events: [Events.StreamStarted, Events.StreamIdle],
    sharedSecret: `secret-${runTag}`,
  };
  let created;
  let deleted = false;

  after(async () => {
    if (created?.id && !deleted) {
      await livepeer.webhook.delete(created.id).catch(() => {});
    }
  });

  function assertMatches(webhook, payload) {
    assert.equal(webhook.name, payload.name);
    assert.equal(webhook.url, payload.url);
    assert.deepEqual([...(webhook.events ?? [])].sort(), [...payload.events].sort());
  }

  it("create returns 200 with the new webhook", async () => {
    const res = await livepeer.webhook.create(createPayload);
    created = expectOk(res, 200, "webhook");
    assert.equal(typeof created.id, "string");
    assert.ok(created.id.length > 0, "webhook id should be non-empty");
    assertMatches(created, createPayload);
    assertRecentTimestamp(created.createdAt, "createdAt");
  });

  it("get returns the same webhook", async () => {
    assert.ok(created?.id, "create failed earlier");
    const webhook = expectOk(await livepeer.webhook.get(created.id), 200, "webhook");
    assert.equal(webhook.id, created.id);
    assertMatches(webhook, createPayload);
    assert.equal(webhook.createdAt, created.createdAt);
  });

  it("getAll lists the webhook", async () => {
    assert.ok(created?.id, "create failed earlier");
    const list = expectOk(await livepeer.webhook.getAll(), 200, "data");
    assert.ok(Array.isArray(list), "data should be an array");
    const mine = list.find((w) => w.id === created.id);
    assert.ok(mine, `webhook ${created.id} missing from getAll()`);
    assertMatches(mine, createPayload);
  });

  it("update (PUT) returns 200 with the full updated webhook", async () => {
    assert.ok(created?.id, "create failed earlier");
    const replacement = {
      name: `sdk-webhook-${runTag}-renamed`,
      url: "http://127.0.0.1:9/hook-v2",
      events: [Events.StreamStarted],
      sharedSecret: `secret-${runTag}-2`,
    };
    const webhook = expectOk(await livepeer.webhook.update(replacement, created.id), 200, "webhook");
    assert.equal(webhook.id, created.id);
    assertMatches(webhook, replacement);

    const again = expectOk(await livepeer.webhook.get(created.id), 200, "webhook");
    assertMatches(again, replacement);
    created = { ...created, ...replacement };
  });

  it("getLogs returns an array", async () => {
    assert.ok(created?.id, "create failed earlier");
    const logs = expectOk(await livepeer.webhook.getLogs(created.id), 200, "data");
    assert.ok(Array.isArray(logs), "data should be an array");
    for (const log of logs) {
      assert.equal(typeof log.id, "string");
      assert.equal(log.webhookId, created.id);
    }
  });

  it("delete returns 200 with the webhook, then get fails with 404", async () => {
    assert.ok(created?.id, "create failed earlier");
    const webhook = expectOk(await livepeer.webhook.delete(created.id), 200, "webhook");
    deleted = true;
    assert.equal(webhook.id, created.id);
    assert.equal(webhook.name, created.name);
    assert.equal(webhook.url, created.url);

    await expectSdkError(livepeer.webhook.get(created.id), 404);
  });
});

describe("usage (sdk.metrics.getUsage)", { skip: skipAll }, () => {
  it("returns the project's usage metric, with the gateway's own measures beside Studio's", async () => {
    const res = await livepeer.metrics.getUsage({ from: 0, to: Date.now() + 3_600_000 });
    assert.equal(res.statusCode, 200);
    const usage = res.usageMetric;
    assert.ok(usage, "usageMetric is parsed");
    assert.match(usage.userID, /^[0-9a-f-]{36}$/);
    assert.equal(typeof usage.totalUsageMins, "number");
    const raw = await fetch(`${API_URL}/data/usage/query`, { headers: { Authorization: `Bearer ${API_KEY}` } }).then((r) => r.json());
    for (const key of ["SourceMins", "TranscodedMins", "OutputPixels", "PaidWei"]) assert.ok(key in raw, key);
    assert.match(raw.PaidWei, /^[0-9]+$/);
  });

  it("refuses a range that ends before it starts", async () => {
    const r = await fetch(`${API_URL}/data/usage/query?from=10&to=5`, { headers: { Authorization: `Bearer ${API_KEY}` } });
    assert.equal(r.status, 422);
    // Past the last representable instant: a clear 422, not a server error.
    const far = await fetch(`${API_URL}/data/usage/query?to=99999999999999999`, { headers: { Authorization: `Bearer ${API_KEY}` } });
    assert.equal(far.status, 422);
  });
});

describe("multistream targets (sdk.multistream, stream.addMultistreamTarget)", { skip: skipAll }, () => {
  let targetId;
  let streamId;

  after(async () => {
    if (streamId) await livepeer.stream.delete(streamId).catch(() => {});
    if (targetId) await livepeer.multistream.delete(targetId).catch(() => {});
  });

  it("create returns 201 without the URL (write-only)", async () => {
    const target = expectOk(await livepeer.multistream.create({ url: `rtmp://live.example.com/app/key-${runTag}`, name: `sdk-${runTag}` }), 201, "multistreamTarget");
    assert.match(target.id, UUID);
    assert.equal(target.url, undefined);
    targetId = target.id;
  });

  it("get, getAll and update work, and the URL never comes back", async () => {
    const target = expectOk(await livepeer.multistream.get(targetId), 200, "multistreamTarget");
    assert.equal(target.name, `sdk-${runTag}`);
    const all = expectOk(await livepeer.multistream.getAll(), 200, "data");
    assert.ok(all.some((t) => t.id === targetId));
    const updated = await livepeer.multistream.update({ url: "srt://live.example.com:9000", disabled: true }, targetId);
    assert.equal(updated.statusCode, 204, JSON.stringify(updated.error));
    const after = expectOk(await livepeer.multistream.get(targetId), 200, "multistreamTarget");
    assert.equal(after.disabled, true);
    assert.ok(!JSON.stringify(after).includes("example.com"));
  });

  it("a stream takes the target with addMultistreamTarget (204) and lets it go with removeMultistreamTarget (204)", async () => {
    const stream = expectOk(await livepeer.stream.create({ name: `sdk-ms-${runTag}` }), 201, "stream");
    streamId = stream.id;
    const added = await livepeer.stream.addMultistreamTarget({ profile: "source", videoOnly: false, id: targetId }, streamId);
    assert.equal(added.statusCode, 204, JSON.stringify(added.error));
    const withTarget = expectOk(await livepeer.stream.get(streamId), 200, "stream");
    assert.deepEqual(withTarget.multistream.targets.map((t) => t.id), [targetId]);
    const removed = await livepeer.stream.removeMultistreamTarget(streamId, targetId);
    assert.equal(removed.statusCode, 204, JSON.stringify(removed.error));
    const without = expectOk(await livepeer.stream.get(streamId), 200, "stream");
    assert.deepEqual(without.multistream?.targets ?? [], []);
  });

  it("delete returns 204, then get fails with 404", async () => {
    const result = await livepeer.multistream.delete(targetId);
    assert.equal(result.statusCode, 204, JSON.stringify(result.error));
    await expectSdkError(livepeer.multistream.get(targetId), 404);
    targetId = undefined;
  });
});

describe("signing keys (sdk.accessControl)", { skip: skipAll }, () => {
  let keyId;
  let publicKey;

  after(async () => {
    if (keyId) await livepeer.accessControl.delete(keyId).catch(() => {});
  });

  it("create returns 200 with a P-256 public key (Studio's 201 would be an error to the SDK)", async () => {
    const key = expectOk(await livepeer.accessControl.create(), 200, "signingKey");
    assert.match(key.id, UUID);
    ({ id: keyId, publicKey } = key);
    assert.match(Buffer.from(publicKey, "base64").toString("ascii"), /^-----BEGIN PUBLIC KEY-----\n/);
    assertRecentTimestamp(key.createdAt, "createdAt");
    assert.equal(key.disabled, false);
  });

  it("get and getAll show it", async () => {
    const key = expectOk(await livepeer.accessControl.get(keyId), 200, "signingKey");
    assert.equal(key.publicKey, publicKey);
    const all = expectOk(await livepeer.accessControl.getAll(), 200, "data");
    assert.ok(all.some((k) => k.id === keyId));
  });

  it("update returns 204 and the change is visible on get", async () => {
    const result = await livepeer.accessControl.update({ name: `sdk-key-${runTag}`, disabled: true }, keyId);
    assert.equal(result.statusCode, 204, JSON.stringify(result.error));
    const key = expectOk(await livepeer.accessControl.get(keyId), 200, "signingKey");
    assert.equal(key.name, `sdk-key-${runTag}`);
    assert.equal(key.disabled, true);
  });

  it("delete returns 204, then get fails with 404", async () => {
    const result = await livepeer.accessControl.delete(keyId);
    assert.equal(result.statusCode, 204, JSON.stringify(result.error));
    await expectSdkError(livepeer.accessControl.get(keyId), 404);
    keyId = undefined;
  });
});

describe("authentication", { skip: skipAll }, () => {
  it("a wrong API key is rejected with 401", async () => {
    const stranger = new Livepeer({ serverURL: API_URL, apiKey: `not-a-key-${runTag}` });
    await expectSdkError(stranger.stream.getAll(), 401);
  });
});
