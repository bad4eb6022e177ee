// The dashboard at /dashboard in Debian's headless Chromium, used as a person would: signing in, a project of one's
// own, a stream with its OBS settings and a live preview, an upload by tus with its progress, a webhook's delivery
// log and a resend, an API key shown once, the charts, the operator's pool, and all of it at phone width.
// Screenshots of each page land in .dev/screenshots/ (not committed; the README's come from there).
//
//   ./dev up && set -a && . .dev/env && set +a
//   (cd tests/player && npm ci) && node --test tests/player/dashboard.test.mjs

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { launchBrowser } from "./lib/player.mjs";
import { gatewayEnv, makeFixture, publish } from "./lib/live.mjs";

const env = {
  ...gatewayEnv(),
  dashboard: process.env.SG_DASHBOARD_URL?.trim(),
  email: process.env.SG_LOGIN_EMAIL?.trim(),
  password: process.env.SG_LOGIN_PASSWORD?.trim(),
  adminEmail: process.env.SG_ADMIN_LOGIN_EMAIL?.trim(),
  adminPassword: process.env.SG_ADMIN_LOGIN_PASSWORD?.trim(),
};
const missing = [...env.missing, ...["dashboard", "email", "password", "adminEmail", "adminPassword"].filter((k) => !env[k])];
const shots = new URL("../../.dev/screenshots/", import.meta.url).pathname;

/** Opens the dashboard in a fresh tab and signs in. */
async function signIn(browser, email, password, width = 1280) {
  const tab = await browser.newTab();
  await tab.setViewportSize({ width, height: 900 });
  await tab.goto(env.dashboard);
  await tab.getByLabel("Email").fill(email);
  await tab.getByLabel("Password").fill(password);
  await tab.getByRole("button", { name: "Sign in" }).click();
  await tab.getByTestId("user-email").waitFor({ timeout: 15_000 });
  return tab;
}

/** Calls the API as the tab's signed-in session (its token and project), as a second client would. */
async function asSession(tab, method, path, body) {
  const { token, project } = await tab.evaluate(() => ({ token: sessionStorage.getItem("sg.token"), project: sessionStorage.getItem("sg.project") }));
  const url = `${env.apiUrl}${path}${project ? `${path.includes("?") ? "&" : "?"}projectId=${project}` : ""}`;
  const res = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

const shot = (tab, name) => tab.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

/** The <video> in the tab's player iframe has played past `seconds`. */
async function framePlayed(tab, title, seconds, timeoutMs) {
  const handle = await tab.locator(`iframe[title="${title}"]`).elementHandle({ timeout: timeoutMs });
  const frame = await handle.contentFrame();
  await frame.waitForFunction((s) => {
    const v = document.querySelector("video");
    return v && v.currentTime > s;
  }, seconds, { timeout: timeoutMs, polling: 250 });
}

/** A webhook receiver on loopback that answers 200 and keeps what it got. */
async function receiver() {
  const got = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => { body += d; });
    req.on("end", () => {
      got.push({ headers: req.headers, body: JSON.parse(body || "null") });
      res.writeHead(200, { "Content-Type": "text/plain" }).end("received");
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/hook`, got, close: () => new Promise((r) => server.close(r)) };
}

async function waitUntil(condition, timeoutMs, what) {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const noSideScroll = (tab) => tab.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

describe("the dashboard", { skip: missing.length > 0 && `environment incomplete: ${missing.join(", ")}` }, () => {
  let browser;
  let fixture;
  let upload;
  let hooks;
  let tab;
  let streamPath;
  let assetPlaybackId;

  before(async () => {
    await mkdir(shots, { recursive: true });
    const dir = await mkdtemp(join(tmpdir(), "sg-dashboard-"));
    upload = { file: join(dir, "clip.mp4"), remove: () => rm(dir, { recursive: true, force: true }) };
    [browser, fixture, hooks] = await Promise.all([
      launchBrowser(),
      makeFixture(),
      receiver(),
      promisify(execFile)("ffmpeg", [
        "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=480x270:rate=30",
        "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000", "-t", "4",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart", upload.file,
      ]),
    ]);
  });

  after(async () => {
    await tab?.close().catch(() => {});
    await browser?.close();
    await fixture?.remove();
    await upload?.remove();
    await hooks?.close();
  });

  it("refuses a wrong password in place, signs in, and signing out ends the session for the API too", { timeout: 60_000 }, async () => {
    const page = await browser.newTab();
    await page.goto(env.dashboard);
    await page.getByLabel("Email").fill(env.email);
    await page.getByLabel("Password").fill(env.password + "-wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByTestId("sign-in-form").getByRole("alert");
    await alert.waitFor();
    assert.match(await alert.innerText(), /invalid email or password/);
    assert.equal(await page.getByLabel("Email").getAttribute("type"), "email");
    assert.equal(await page.getByLabel("Password").getAttribute("type"), "password");
    await shot(page, "sign-in");

    await page.getByLabel("Password").fill(env.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("user-email").waitFor();
    assert.equal(await page.getByTestId("user-email").innerText(), env.email);
    assert.equal((await asSession(page, "GET", "/user/me")).body.email, env.email);
    // A tenant sees no operator pages.
    assert.equal(await page.getByRole("link", { name: "Orchestrators" }).count(), 0);

    const token = await page.evaluate(() => sessionStorage.getItem("sg.token"));
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem("sg.token")), null);
    const res = await fetch(`${env.apiUrl}/user/me`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 401);
    await page.close();
  });

  it("a new project starts empty; a stream made in it shows OBS settings with a hidden key, and its preview plays the publish", { timeout: 150_000 }, async () => {
    tab = await signIn(browser, env.email, env.password);
    await tab.getByRole("button", { name: "New project" }).click();
    await tab.getByLabel("Project name").fill(`ui ${Date.now()}`);
    await tab.getByRole("button", { name: "Create project" }).click();
    await tab.getByTestId("streams-empty").waitFor({ timeout: 15_000 });
    assert.match(await tab.getByTestId("streams-empty").innerText(), /stream/i);

    // A webhook first, so the upload below has deliveries to show.
    await tab.getByRole("link", { name: "Webhooks" }).first().click();
    await tab.getByTestId("webhooks-empty").waitFor();
    await tab.getByRole("button", { name: "Create webhook" }).first().click();
    const hookForm = tab.getByTestId("webhook-form");
    await hookForm.getByLabel("Name").fill("ui hook");
    await hookForm.getByLabel("URL").fill(hooks.url);
    await hookForm.getByLabel("asset.ready").check();
    await hookForm.getByRole("button", { name: "Create webhook" }).click();
    await tab.waitForURL(/\/dashboard\/webhooks\/[^/]+$/);

    await tab.getByRole("link", { name: "Streams" }).first().click();
    await tab.getByRole("button", { name: "Create stream" }).first().click();
    const form = tab.getByTestId("create-stream-form");
    await form.getByLabel("Name").fill("from the dashboard");
    await form.getByLabel("Source only (no transcoding)").check();
    await form.getByRole("button", { name: "Create stream" }).click();
    await tab.waitForURL(/\/dashboard\/streams\/[^/]+$/);
    streamPath = new URL(tab.url()).pathname;
    const streamId = streamPath.split("/").at(-1);
    const stream = (await asSession(tab, "GET", `/stream/${streamId}`)).body;
    assert.equal(stream.name, "from the dashboard");
    assert.deepEqual(stream.profiles, []);

    // OBS's two fields: the server as the gateway names it, the key hidden until revealed.
    await tab.getByTestId("rtmp-url").waitFor();
    assert.equal((await tab.getByTestId("rtmp-url").innerText()).trim(), env.rtmpUrl);
    assert.ok(!(await tab.getByTestId("stream-key").innerText()).includes(stream.streamKey), "the key is hidden");
    await tab.getByTestId("reveal-key").click();
    assert.equal((await tab.getByTestId("stream-key").innerText()).trim(), stream.streamKey);
    assert.match(await tab.getByTestId("embed-snippet").innerText(), new RegExp(`/play/${stream.playbackId}`));

    const live = publish(env, fixture, stream.streamKey, 40);
    try {
      await framePlayed(tab, "Preview", 2, 60_000);
      await tab.getByText("active", { exact: true }).first().waitFor({ timeout: 15_000 });
      await shot(tab, "stream");
    } finally {
      await live.stop();
    }
  });

  it("uploads a file with tus, shows its progress and processing, then plays it and offers the MP4", { timeout: 240_000 }, async () => {
    await tab.getByRole("link", { name: "Assets" }).first().click();
    await tab.getByTestId("assets-empty").waitFor();
    await tab.getByTestId("upload-input").setInputFiles(upload.file);
    await tab.getByTestId("upload-progress").waitFor();
    await tab.waitForFunction(() => document.querySelector('[data-testid="upload-percent"]')?.textContent === "100%", null, { timeout: 60_000 });
    await tab.getByRole("link", { name: "Open" }).click();
    await tab.waitForURL(/\/dashboard\/assets\/[^/]+$/);
    await tab.waitForFunction(() => document.querySelector('[data-testid="asset-status"]')?.dataset.phase === "ready", null, { timeout: 180_000, polling: 500 });
    await framePlayed(tab, "Player", 1, 60_000);
    assetPlaybackId = (await tab.getByTestId("embed-snippet").innerText()).match(/\/play\/([0-9a-z]+)/)?.[1];
    assert.ok(assetPlaybackId, "the embed code names the asset's playback id");
    const href = await tab.getByTestId("mp4-download").first().getAttribute("href");
    const mp4 = Buffer.from(await (await fetch(new URL(href, env.dashboard))).arrayBuffer());
    assert.equal(mp4.subarray(4, 8).toString("latin1"), "ftyp", "the download is an MP4");
    await shot(tab, "asset");
  });

  it("shows the webhook's deliveries with request and response, and resends one", { timeout: 60_000 }, async () => {
    await waitUntil(() => hooks.got.some((h) => h.body?.event === "asset.ready"), 30_000, "asset.ready at the receiver");
    await tab.getByRole("link", { name: "Webhooks" }).first().click();
    await tab.getByTestId("webhooks").getByRole("link", { name: "ui hook" }).click();
    const delivered = hooks.got.length;
    const entry = tab.getByTestId("webhook-log").first();
    // The log is written once the receiver has answered: refresh until it shows.
    await waitUntil(async () => (await entry.count()) > 0 || (await tab.getByRole("button", { name: "Refresh" }).click(), false), 15_000,
      "the delivery in the log");
    await entry.locator("summary").click();
    assert.match(await entry.innerText(), /asset\.ready/);
    assert.match(await entry.innerText(), /received/); // the receiver's answer
    await shot(tab, "webhook");
    await entry.getByTestId("resend").click();
    await waitUntil(() => hooks.got.length > delivered, 15_000, "the resend at the receiver");
    assert.equal(hooks.got.length, delivered + 1);
    assert.equal(hooks.got.at(-1).body.event, "asset.ready");
  });

  it("shows a new API key once, and the key works", { timeout: 30_000 }, async () => {
    await tab.getByRole("link", { name: "API keys" }).first().click();
    const form = tab.getByTestId("create-api-key-form");
    await form.getByLabel("Key name").fill("made in the dashboard");
    await form.getByRole("button", { name: "Create API key" }).click();
    const key = (await tab.getByTestId("new-api-key").innerText()).trim().match(/sgk_[0-9a-f]+/)?.[0];
    assert.ok(key, "the key is shown");
    const streams = await (await fetch(`${env.apiUrl}/stream`, { headers: { Authorization: `Bearer ${key}` } })).json();
    assert.deepEqual(streams.map((s) => s.name), ["from the dashboard"]);
    await tab.reload();
    assert.equal(await tab.getByText(key).count(), 0, "shown once only");
  });

  it("charts usage, and viewership with the view the dashboard's player made", { timeout: 90_000 }, async () => {
    await tab.getByRole("link", { name: "Usage" }).first().click();
    await tab.getByTestId("chart-total-usage").waitFor({ timeout: 30_000 });
    assert.ok(await tab.getByTestId("chart-total-usage").locator("svg rect").count() > 0);
    await shot(tab, "usage");
    await tab.getByRole("link", { name: "Viewership" }).first().click();
    await tab.getByTestId("chart-views").waitFor({ timeout: 30_000 });
    await tab.getByTestId("viewers-now").waitFor();
    // The asset played in the dashboard's player above: its view is counted and shown by playback id.
    const breakdown = tab.getByTestId("views-breakdown");
    await waitUntil(async () => {
      if ((await breakdown.count()) > 0 && (await breakdown.innerText()).includes(assetPlaybackId)) return true;
      await tab.reload();
      await tab.getByTestId("chart-views").waitFor({ timeout: 30_000 });
      return false;
    }, 40_000, "the asset's view in the breakdown");
    const row = breakdown.locator("tr", { hasText: assetPlaybackId });
    const views = Number((await row.locator('td[data-label="Views"]').innerText()).trim());
    assert.ok(views >= 1, `${views} views of the asset`);
    await shot(tab, "viewership");
  });

  it("fits a phone's width, its navigation behind a menu", { timeout: 60_000 }, async () => {
    await tab.setViewportSize({ width: 375, height: 800 });
    for (const path of [streamPath, "/dashboard/assets", "/dashboard/webhooks", "/dashboard/api-keys", "/dashboard/usage"]) {
      await tab.goto(new URL(path, env.dashboard).href);
      await tab.getByRole("heading", { level: 1 }).waitFor();
      assert.ok(await noSideScroll(tab), `${path} scrolls sideways at 375 px`);
    }
    await tab.getByRole("button", { name: "Menu" }).click();
    await tab.getByRole("link", { name: "Streams" }).first().waitFor();
    await shot(tab, "phone");
  });

  it("shows an operator the orchestrator pool and the job dashboard", { timeout: 60_000 }, async () => {
    const admin = await signIn(browser, env.adminEmail, env.adminPassword);
    try {
      await admin.getByRole("link", { name: "Orchestrators" }).first().click();
      await admin.getByTestId("orchestrators").waitFor({ timeout: 30_000 });
      const rows = await admin.getByTestId("orchestrators").locator("tbody tr").count();
      assert.ok(rows >= 3, `${rows} orchestrators listed`);
      assert.match(await admin.getByTestId("orchestrators").innerText(), /%/); // stake share
      assert.equal(await admin.getByRole("link", { name: "Job dashboard" }).getAttribute("href"), "/hangfire");
      // The network's incentives, read from the chain: the round the chain is in, and each orchestrator's terms.
      await admin.getByTestId("network-orchestrators").waitFor({ timeout: 30_000 });
      const round = Number((await admin.getByTestId("network-round").innerText()).split(" ")[0]);
      assert.ok(round >= 1, `round ${round}`);
      const terms = await admin.getByTestId("network-orchestrators").locator("tbody tr").count();
      assert.ok(terms >= 3, `${terms} orchestrators with their terms`);
      assert.match(await admin.getByTestId("network-orchestrators").innerText(), /10%.*50%/); // the devnet's reward cut and fee share
      await shot(admin, "orchestrators");
    } finally {
      await admin.close();
    }
  });
});
