// Gated playback in a real player: hls.js 1.7 in Debian's headless Chromium plays a `jwt` stream with a viewer token
// signed, as an app's server would sign it (jose, ES256), by a signing key made through the API; without the token
// it stops at the master playlist. The player's page is served from another origin, so CORS is exercised too.
//
//   ./dev up && set -a && . .dev/env && set +a
//   (cd tests/player && npm ci) && node --test tests/player/

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { SignJWT, importPKCS8 } from "jose";
import { launchBrowser } from "./lib/player.mjs";
import { api as call, gatewayEnv, makeFixture, masterUrl, publish, waitForLiveMaster } from "./lib/live.mjs";

const env = gatewayEnv();
const runTag = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

const api = (method, path, body) => call(env, method, path, body);

/** A viewer token as ui-kit's signAccessJwt makes one: ES256, pub = the key as the API returned it, sub = playback id. */
async function viewerToken(key, playbackId) {
  const pem = Buffer.from(key.privateKey, "base64").toString("ascii");
  return new SignJWT({ action: "pull", pub: key.publicKey, video: "none" })
    .setProtectedHeader({ alg: "ES256", typ: "JWT" })
    .setIssuer("player-tests")
    .setSubject(playbackId)
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(await importPKCS8(pem, "ES256"));
}

describe("hls.js in Chromium plays gated streams", { skip: env.missing.length > 0 && "environment incomplete" }, () => {
  let fixture;
  let browser;
  let key;

  before(async () => {
    [fixture, browser, key] = await Promise.all([makeFixture(), launchBrowser(), api("POST", "/access-control/signing-key")]);
  });

  after(async () => {
    await browser?.close();
    await fixture?.remove();
    if (key) await api("DELETE", `/access-control/signing-key/${key.id}`).catch(() => {});
  });

  it("plays a jwt stream with a token in the URL, and stops at the master without one", { timeout: 60_000 }, async (t) => {
    const stream = await api("POST", "/stream", { name: `player gated ${runTag}`, profiles: [], playbackPolicy: { type: "jwt" } });
    const publisher = publish(env, fixture, stream.streamKey, 20);
    const [withToken, without] = await Promise.all([browser.newPlayer(), browser.newPlayer()]);
    t.after(async () => {
      await withToken.close();
      await without.close();
      await publisher.stop();
    });
    const url = masterUrl(env, stream.playbackId);
    const token = await viewerToken(key, stream.playbackId);
    await waitForLiveMaster(`${url}?jwt=${token}`, 20_000);

    await withToken.attach(`${url}?jwt=${token}`);
    const started = await withToken.waitFor("the 'playing' event", (s) => s.playing, 20_000);
    await withToken.waitFor("two seconds of playback", (s) => s.currentTime >= started.currentTime + 2, 15_000);
    // Everything after the master was fetched with the gateway's grant, which the player did not add itself.
    const later = withToken.requests.filter((r) => r.url.startsWith(env.hlsUrl) && !r.url.includes("?jwt="));
    assert.ok(later.length > 0 && later.every((r) => r.url.includes("grant=")), JSON.stringify(later.map((r) => r.url)));
    assert.ok(later.some((r) => r.url.endsWith(".ts") || r.url.includes(".ts?")), "segments were loaded");

    await without.attach(url);
    let s;
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      s = await without.snapshot();
      if (s.error) break;
    }
    assert.equal(s.error, "networkError manifestLoadError", `hls.js should give up on the master: ${JSON.stringify(s.events)}`);
    assert.equal(s.events.find((e) => e.type === "error")?.status, 401);
    assert.equal(s.playing, false);
  });
});
