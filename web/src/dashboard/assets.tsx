// Assets: resumable uploads (tus) by drag and drop or file picker, imports from a URL, the list with each asset's
// processing status, and an asset's page with its player, embed code, MP4 downloads and delete.
import { useState, type DragEvent } from "react";
import { Upload } from "tus-js-client";
import { api, session, type Asset, type PlaybackInfo } from "./api";
import { Link, navigate } from "./router";
import { ApiAction, Badge, DataTable, Embed, ErrorText, Field, fmtBytes, fmtDate, Form, Loaded, Page, Player, useLoad, type Load } from "./ui";

const DONE = new Set(["ready", "failed", "deleted"]);
const busy = (a: Asset) => !DONE.has(a.status.phase);

export function AssetStatus({ asset }: { asset: Asset }) {
  const { phase, progress, errorMessage } = asset.status;
  const tone = phase === "ready" ? "good" : phase === "failed" ? "bad" : "plain";
  return (
    <span data-testid="asset-status" data-phase={phase}>
      <Badge tone={tone}>
        {phase}
        {busy(asset) && progress != null && progress > 0 ? ` ${Math.round(progress * 100)}%` : ""}
      </Badge>
      {errorMessage && <span className="error-inline"> {errorMessage}</span>}
    </span>
  );
}

interface UploadItem {
  key: string;
  name: string;
  percent: number;
  assetId?: string;
  error?: string;
  sent?: boolean;
}

/** Where an interrupted upload's asset is, by file, so that choosing the same file again resumes it (even after a reload). */
const resumeStore = {
  get(fp: string): { assetId: string; tusEndpoint: string } | null {
    try {
      return JSON.parse(window.localStorage.getItem(`sg.upload.${fp}`) ?? "null");
    } catch {
      return null;
    }
  },
  set(fp: string, value: { assetId: string; tusEndpoint: string } | null): void {
    try {
      if (value) window.localStorage.setItem(`sg.upload.${fp}`, JSON.stringify(value));
      else window.localStorage.removeItem(`sg.upload.${fp}`);
    } catch {
      // No storage: the upload still resumes after network errors, just not after a reload.
    }
  },
};

/** Asks for an upload (or finds the unfinished one of this file), then sends the file with tus in 8 MB chunks. */
async function upload(file: File, update: (change: Partial<UploadItem>) => void, finished: () => void): Promise<void> {
  const fp = `${session.project() ?? ""}:${file.name}:${file.size}:${file.lastModified}`;
  let target = resumeStore.get(fp);
  if (target) {
    const asset = await api<Asset>(`/asset/${target.assetId}`).catch(() => null);
    if (asset?.status.phase !== "waiting") target = null;
  }
  if (!target) {
    const res = await api<{ tusEndpoint: string; asset: Asset }>("/asset/request-upload", { method: "POST", body: { name: file.name, staticMp4: true } });
    target = { assetId: res.asset.id, tusEndpoint: res.tusEndpoint };
    resumeStore.set(fp, target);
  }
  update({ assetId: target.assetId });
  const tus = new Upload(file, {
    endpoint: target.tusEndpoint,
    chunkSize: 8 * 1024 * 1024,
    retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
    metadata: { filename: file.name, filetype: file.type },
    fingerprint: async () => `sg:${fp}`,
    storeFingerprintForResuming: true,
    removeFingerprintOnSuccess: true,
    onProgress: (sent, total) => update({ percent: total > 0 ? Math.floor((sent / total) * 100) : 0 }),
    onError: (e) => update({ error: e.message }),
    onSuccess: () => {
      resumeStore.set(fp, null);
      update({ percent: 100, sent: true });
      finished();
    },
  });
  const previous = await tus.findPreviousUploads();
  if (previous[0]) tus.resumeFromPreviousUpload(previous[0]);
  tus.start();
}

function Uploader({ assets }: { assets: Load<Asset[]> }) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const [over, setOver] = useState(false);
  const start = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const key = `${file.name}-${Date.now()}-${Math.random()}`;
      const update = (change: Partial<UploadItem>) => setItems((all) => all.map((i) => (i.key === key ? { ...i, ...change } : i)));
      setItems((all) => [{ key, name: file.name, percent: 0 }, ...all]);
      upload(file, update, assets.reload).catch((e: unknown) => update({ error: e instanceof Error ? e.message : String(e) }));
    }
  };
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    start(e.dataTransfer.files);
  };
  return (
    <section className="card">
      <h2>Upload</h2>
      <div
        className={over ? "dropzone over" : "dropzone"}
        data-testid="upload-dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        <p>Drop video files here, or</p>
        <Field label="Choose video files">
          <input type="file" accept="video/*,audio/*" multiple data-testid="upload-input" onChange={(e) => {
            start(e.target.files);
            e.target.value = "";
          }} />
        </Field>
        <p className="muted">Uploads resume where they stopped: choose the same file again after a lost connection.</p>
      </div>
      {items.map((item) => {
        const asset = assets.data?.find((a) => a.id === item.assetId);
        return (
          <div className="upload" key={item.key} data-testid="upload">
            <span className="upload-name">{item.name}</span>
            <progress max={100} value={item.percent} data-testid="upload-progress" aria-label={`Upload of ${item.name}`} />
            <span data-testid="upload-percent">{item.percent}%</span>
            {item.sent && asset && <AssetStatus asset={asset} />}
            {item.assetId && <Link to={`/assets/${item.assetId}`}>Open</Link>}
            <ErrorText error={item.error && `Upload failed: ${item.error}`} />
          </div>
        );
      })}
    </section>
  );
}

export function Assets() {
  const assets = useLoad<Asset[]>("/asset?limit=100", { poll: (rows) => (rows.some(busy) ? 3000 : 30_000) });
  return (
    <Page title="Assets">
      <div className="grid">
        <Uploader assets={assets} />
        <section className="card">
          <h2>Import from a URL</h2>
          <Form
            submit="Import"
            testid="import-url-form"
            onSubmit={async (data) => {
              await api("/asset/upload/url", { method: "POST", body: { url: String(data.get("url")).trim(), name: String(data.get("name")).trim(), staticMp4: true } });
              assets.reload();
            }}
          >
            <Field label="Video URL">
              <input name="url" type="url" required placeholder="https://example.com/video.mp4" />
            </Field>
            <Field label="Asset name">
              <input name="name" required />
            </Field>
          </Form>
        </section>
      </div>
      <Loaded load={assets}>
        {(rows) => (
          <DataTable
            testid="assets"
            rows={rows}
            rowKey={(a) => a.id}
            empty={<p>No assets yet. Upload a video file or import one from a URL first.</p>}
            columns={[
              { label: "Name", cell: (a) => <Link to={`/assets/${a.id}`}>{a.name}</Link> },
              { label: "Status", cell: (a) => <AssetStatus asset={a} /> },
              { label: "Size", cell: (a) => fmtBytes(a.size) },
              { label: "Created", cell: (a) => fmtDate(a.createdAt) },
            ]}
          />
        )}
      </Loaded>
    </Page>
  );
}

function Downloads({ asset }: { asset: Asset }) {
  const info = useLoad<PlaybackInfo>(`/playback/${encodeURIComponent(asset.playbackId)}`);
  const mp4s = (info.data?.meta.source ?? []).filter((s) => s.type === "html5/video/mp4");
  const links = mp4s.map((s) => ({ url: s.url, label: `MP4 ${decodeURIComponent(s.url.split("/").pop() ?? "")}` }));
  if (asset.downloadUrl && !links.some((l) => l.url === asset.downloadUrl)) links.push({ url: asset.downloadUrl, label: "Download MP4" });
  return (
    <div data-testid="downloads">
      <h3>Downloads</h3>
      {links.length === 0 ? (
        <p className="muted">{info.loading ? "Loading…" : "No MP4 download for this asset."}</p>
      ) : (
        <ul>
          {links.map((l) => (
            <li key={l.url}>
              <a href={l.url} download data-testid="mp4-download">
                {l.label}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function AssetDetail({ id }: { id: string }) {
  const load = useLoad<Asset>(`/asset/${encodeURIComponent(id)}`, { poll: (a) => (busy(a) ? 3000 : false) });
  const asset = load.data;
  return (
    <Page
      title={asset?.name ?? "Asset"}
      back={<Link to="/assets">← Assets</Link>}
      actions={
        asset && (
          <ApiAction label="Delete" danger testid="delete-asset" confirm={`Delete the asset "${asset.name}"? This cannot be undone.`} path={`/asset/${asset.id}`} then={() => navigate("/assets")} />
        )
      }
    >
      <Loaded load={load}>
        {(a) => (
          <>
            <p>
              <AssetStatus asset={a} /> <span className="muted">Created {fmtDate(a.createdAt)} · {fmtBytes(a.size)}</span>
            </p>
            {a.status.phase === "ready" ? (
              <div className="grid">
                <section className="card">
                  <Player playbackId={a.playbackId} title="Player" />
                </section>
                <section className="card">
                  <Embed playbackId={a.playbackId} />
                  <Downloads asset={a} />
                </section>
              </div>
            ) : (
              <p className="muted">{a.status.phase === "failed" ? "Processing failed; upload the file again." : "The player appears when processing is done."}</p>
            )}
          </>
        )}
      </Loaded>
    </Page>
  );
}
