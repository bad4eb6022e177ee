// Streams: the list, creating one (renditions, recording, playback policy), and a stream's page with its preview,
// OBS settings, playback URLs, health, sessions and recordings, multistream targets, clips and actions.
import { useState } from "react";
import { api, type MultistreamTarget, type Profile, type Session, type Stream } from "./api";
import { Link, navigate } from "./router";
import { ApiAction, Badge, DataTable, Embed, Field, fmtDate, fmtNum, Form, LazyPlayer, Loaded, Page, Player, useLoad, Value } from "./ui";

/** The renditions offered when creating a stream; all but 1080p make the default ladder. */
const PRESETS: (Profile & { byDefault: boolean })[] = [
  { name: "1080p0", width: 1920, height: 1080, bitrate: 6_000_000, fps: 0, profile: "H264ConstrainedHigh", byDefault: false },
  { name: "720p0", width: 1280, height: 720, bitrate: 3_000_000, fps: 0, profile: "H264ConstrainedHigh", byDefault: true },
  { name: "480p0", width: 854, height: 480, bitrate: 1_600_000, fps: 0, profile: "H264ConstrainedHigh", byDefault: true },
  { name: "360p0", width: 640, height: 360, bitrate: 800_000, fps: 0, profile: "H264ConstrainedHigh", byDefault: true },
  { name: "240p0", width: 426, height: 240, bitrate: 250_000, fps: 0, profile: "H264ConstrainedHigh", byDefault: true },
];

/** Where encoders push and viewers play, as the gateway names them (GET /api/ingest). */
type IngestPoint = { base: string; ingest: string; playback: string };
const hlsUrl = (point: IngestPoint, playbackId: string) => `${point.playback}/${encodeURIComponent(playbackId)}/index.m3u8`;

function StatusBadge({ stream }: { stream: Stream }) {
  if (stream.suspended) return <Badge tone="warn">suspended</Badge>;
  return stream.isActive ? <Badge tone="good">active</Badge> : <Badge tone="plain">idle</Badge>;
}

function CreateStream() {
  const [sourceOnly, setSourceOnly] = useState(false);
  return (
    <Form
      submit="Create stream"
      testid="create-stream-form"
      onSubmit={async (data) => {
        const chosen = data.getAll("profile").map(String);
        if (!sourceOnly && chosen.length === 0) throw new Error("Pick at least one rendition, or Source only.");
        const profiles = sourceOnly ? [] : PRESETS.filter((p) => chosen.includes(p.name)).map(({ byDefault: _, ...p }) => p);
        const stream = await api<Stream>("/stream", {
          method: "POST",
          body: { name: String(data.get("name")).trim(), profiles, record: data.get("record") === "on", playbackPolicy: { type: String(data.get("policy")) } },
        });
        navigate(`/streams/${stream.id}`);
      }}
    >
      <Field label="Name">
        <input name="name" required maxLength={500} placeholder="My live show" />
      </Field>
      <fieldset>
        <legend>Renditions</legend>
        {PRESETS.map((p) => (
          <label key={p.name} className="check">
            <input type="checkbox" name="profile" value={p.name} defaultChecked={p.byDefault} disabled={sourceOnly} />
            {p.height}p ({fmtNum(p.bitrate / 1e6)} Mbps)
          </label>
        ))}
        <label className="check">
          <input type="checkbox" checked={sourceOnly} onChange={(e) => setSourceOnly(e.target.checked)} />
          Source only (no transcoding)
        </label>
      </fieldset>
      <label className="check">
        <input type="checkbox" name="record" />
        Record sessions
      </label>
      <Field label="Playback policy">
        <select name="policy" defaultValue="public">
          <option value="public">Public: anyone with the playback ID</option>
          <option value="jwt">Signed: viewers need a JWT from a signing key</option>
        </select>
      </Field>
    </Form>
  );
}

export function Streams() {
  const streams = useLoad<Stream[]>("/stream?limit=100", { poll: () => 10_000 });
  const [creating, setCreating] = useState(false);
  return (
    <Page
      title="Streams"
      actions={
        <button type="button" className="primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>
          Create stream
        </button>
      }
    >
      {creating && <CreateStream />}
      <Loaded load={streams}>
        {(rows) => (
          <DataTable
            testid="streams"
            rows={rows}
            rowKey={(s) => s.id}
            empty={<p>No streams yet. Create a stream first, then connect OBS to it with the server and stream key on its page.</p>}
            columns={[
              { label: "Name", cell: (s) => <Link to={`/streams/${s.id}`}>{s.name}</Link> },
              { label: "Status", cell: (s) => <StatusBadge stream={s} /> },
              { label: "Created", cell: (s) => fmtDate(s.createdAt) },
            ]}
          />
        )}
      </Loaded>
    </Page>
  );
}

function Issues({ stream }: { stream: Stream }) {
  const issues = Array.isArray(stream.issues) ? stream.issues : stream.issues ? [stream.issues] : [];
  return (
    <div className="health" data-testid="stream-health">
      {stream.isHealthy === true && <Badge tone="good">healthy</Badge>}
      {stream.isHealthy === false && <Badge tone="bad">unhealthy</Badge>}
      {stream.isHealthy == null && <Badge tone="plain">no health data (not live)</Badge>}
      {issues.length > 0 && (
        <ul className="issues" data-testid="stream-issues">
          {issues.map((issue, i) => (
            <li key={i}>{typeof issue === "string" ? issue : JSON.stringify(issue)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Sessions({ stream }: { stream: Stream }) {
  const sessions = useLoad<Session[]>(`/stream/${stream.id}/sessions?limit=50`);
  return (
    <section className="card">
      <h2>Sessions and recordings</h2>
      <Loaded load={sessions}>
        {(rows) => (
          <DataTable
            testid="sessions"
            rows={rows}
            rowKey={(s) => s.id}
            empty={<p>No sessions yet. Each time OBS goes live a session is listed here{stream.record ? ", with its recording" : "; turn on recording to keep them"}.</p>}
            columns={[
              { label: "Started", cell: (s) => fmtDate(s.createdAt) },
              { label: "Duration", cell: (s) => `${fmtNum((s.sourceSegmentsDuration ?? 0) / 60)} min` },
              { label: "Recording", cell: (s) => <Recording session={s} /> },
            ]}
          />
        )}
      </Loaded>
    </section>
  );
}

function Recording({ session }: { session: Session }) {
  if (!session.record) return <span className="muted">not recorded</span>;
  // The recording plays by the session's id (its recording asset's id), as the playback API answers for sessions.
  if (session.recordingStatus !== "ready") return <Badge tone="plain">{session.recordingStatus ?? "waiting"}</Badge>;
  return (
    <div data-testid="recording">
      <LazyPlayer playbackId={session.assetId ?? session.id} title={`Recording of ${fmtDate(session.createdAt)}`} summary="Watch" />
      <span className="row">
        {session.recordingUrl && <a href={session.recordingUrl}>HLS</a>}
        {session.mp4Url && <a href={session.mp4Url}>Download MP4</a>}
      </span>
    </div>
  );
}

function Multistream({ stream, reload }: { stream: Stream; reload: () => void }) {
  const targets = useLoad<MultistreamTarget[]>("/multistream/target?limit=1000");
  const refs = stream.multistream?.targets ?? [];
  const names = new Map((targets.data ?? []).map((t) => [t.id, t.name]));
  const profiles = ["source", ...(stream.profiles ?? []).map((p) => p.name)];
  return (
    <section className="card">
      <h2>Multistream targets</h2>
      <p className="muted">While the stream is live, the gateway pushes it on to each target (YouTube, Twitch, any RTMP server).</p>
      <DataTable
        testid="multistream-targets"
        rows={refs}
        rowKey={(t) => `${t.id}-${t.profile}`}
        empty={<p>No targets. Add one with its RTMP URL (including its stream key) below.</p>}
        columns={[
          { label: "Target", cell: (t) => names.get(t.id ?? "") ?? t.id },
          { label: "Rendition", cell: (t) => `${t.profile ?? "source"}${t.videoOnly ? " (video only)" : ""}` },
          {
            label: "Actions",
            cell: (t) => (
              <ApiAction label="Remove" danger confirm="Stop pushing to this target?" path={`/stream/${stream.id}/multistream/${t.id}`} then={reload} />
            ),
          },
        ]}
      />
      <Form
        submit="Add target"
        testid="add-target-form"
        onSubmit={async (data) => {
          await api(`/stream/${stream.id}/create-multistream-target`, {
            method: "POST",
            body: { profile: String(data.get("profile")), videoOnly: data.get("videoOnly") === "on", spec: { name: String(data.get("name")).trim(), url: String(data.get("url")).trim() } },
          });
          reload();
          targets.reload();
        }}
      >
        <Field label="Target name">
          <input name="name" required placeholder="YouTube" />
        </Field>
        <Field label="Target URL" hint="rtmp:// or rtmps://, ending with the target's stream key">
          <input name="url" type="url" required placeholder="rtmp://a.rtmp.youtube.com/live2/your-key" />
        </Field>
        <Field label="Rendition">
          <select name="profile">
            {profiles.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </Field>
        <label className="check">
          <input type="checkbox" name="videoOnly" />
          Video only
        </label>
      </Form>
    </section>
  );
}

function Clip({ stream }: { stream: Stream }) {
  const [made, setMade] = useState<{ id: string; name: string }>();
  return (
    <section className="card">
      <h2>Clip</h2>
      {!stream.isActive && <p className="muted">Clips are cut from a live stream: go live first.</p>}
      <Form
        submit="Create clip"
        testid="clip-form"
        onSubmit={async (data) => {
          const seconds = Number(data.get("seconds"));
          const now = Date.now();
          const res = await api<{ asset: { id: string; name: string } }>("/clip", {
            method: "POST",
            body: { playbackId: stream.playbackId, startTime: now - seconds * 1000, endTime: now, name: String(data.get("name")).trim() || undefined },
          });
          setMade(res.asset);
        }}
      >
        <Field label="Clip name">
          <input name="name" placeholder="Highlight" />
        </Field>
        <Field label="Last seconds to keep">
          <input name="seconds" type="number" min={1} max={120} defaultValue={30} required />
        </Field>
      </Form>
      {made && (
        <p role="status">
          Clip created: <Link to={`/assets/${made.id}`}>{made.name}</Link> (it appears in Assets when processed).
        </p>
      )}
    </section>
  );
}

export function StreamDetail({ id }: { id: string }) {
  const load = useLoad<Stream>(`/stream/${encodeURIComponent(id)}`, { poll: () => 5000 });
  const ingest = useLoad<IngestPoint[]>("/ingest");
  const point: IngestPoint | undefined = ingest.data?.[0];
  const back = <Link to="/streams">← Streams</Link>;
  if (!load.data)
    return (
      <Page title="Stream" back={back}>
        <Loaded load={load}>{() => null}</Loaded>
      </Page>
    );
  const stream = load.data;
  return (
    <Page
      title={stream.name}
      back={back}
      actions={
        <>
          <ApiAction label={stream.suspended ? "Unsuspend" : "Suspend"} testid="suspend" path={`/stream/${stream.id}`} method="PATCH" body={{ suspended: !stream.suspended }} then={load.reload} />
          <ApiAction label="Terminate" testid="terminate" confirm="End the live session now? The encoder can reconnect." path={`/stream/${stream.id}/terminate`} then={load.reload} />
          <ApiAction label="Delete" danger testid="delete-stream" confirm={`Delete the stream "${stream.name}"? This cannot be undone.`} path={`/stream/${stream.id}`} then={() => navigate("/streams")} />
        </>
      }
    >
      <div className="row">
        <StatusBadge stream={stream} />
        <Issues stream={stream} />
      </div>
      <div className="grid">
        <section className="card">
          <h2>Preview</h2>
          <Player playbackId={stream.playbackId} title="Preview" />
        </section>
        <section className="card">
          <h2>Connect OBS</h2>
          <p className="muted">In OBS: Settings → Stream → Service "Custom…", then paste these two.</p>
          {point && <Value label="Server" value={point.ingest} what="server URL" testid="rtmp-url" />}
          {stream.streamKey ? (
            <Value label="Stream key" value={stream.streamKey} what="stream key" testid="stream-key" secret revealTestid="reveal-key" />
          ) : (
            <p className="muted">This stream has no stream key.</p>
          )}
        </section>
      </div>
      <section className="card">
        <h2>Playback</h2>
        <Value label="Playback ID" value={stream.playbackId} what="playback ID" testid="playback-id" />
        {point && <Value label="HLS URL" value={hlsUrl(point, stream.playbackId)} what="HLS URL" testid="hls-url" />}
        <Embed playbackId={stream.playbackId} />
        <p className="muted">
          Playback policy: {stream.playbackPolicy?.type ?? "public"} · Renditions: {(stream.profiles ?? []).map((p) => p.name).join(", ") || "source only"} · Recording: {stream.record ? "on" : "off"}{" "}
          <ApiAction label={stream.record ? "Turn recording off" : "Turn recording on"} path={`/stream/${stream.id}`} method="PATCH" body={{ record: !stream.record }} then={load.reload} />
        </p>
      </section>
      <Sessions stream={stream} />
      <Multistream stream={stream} reload={load.reload} />
      <Clip stream={stream} />
    </Page>
  );
}
