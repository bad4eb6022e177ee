// Webhooks: the list, creating and editing one (URL, events, shared secret), and its delivery logs with each
// request and response, and resending a delivery.
import { useState } from "react";
import { api, type Webhook, type WebhookLog } from "./api";
import { Link, navigate } from "./router";
import { ApiAction, Badge, DataTable, Field, fmtDate, Form, Loaded, Page, useLoad } from "./ui";

/** The events a webhook may subscribe to, as the API accepts them. */
const EVENTS = [
  "stream.started", "stream.idle", "stream.detection",
  "recording.started", "recording.waiting", "recording.ready",
  "multistream.connected", "multistream.error", "multistream.disconnected",
  "playback.user.new", "playback.accessControl",
  "asset.created", "asset.updated", "asset.ready", "asset.failed", "asset.deleted",
  "task.spawned", "task.updated", "task.completed", "task.failed",
];

function WebhookForm({ webhook, submit, done }: { webhook?: Webhook; submit: string; done: (w: Webhook) => void }) {
  return (
    <Form
      submit={submit}
      keep={!!webhook}
      testid="webhook-form"
      onSubmit={async (data) => {
        const events = data.getAll("events").map(String);
        if (events.length === 0) throw new Error("Pick at least one event.");
        const secret = String(data.get("sharedSecret"));
        const body = { name: String(data.get("name")).trim(), url: String(data.get("url")).trim(), events, sharedSecret: secret || undefined };
        done(await api<Webhook>(webhook ? `/webhook/${webhook.id}` : "/webhook", { method: webhook ? "PUT" : "POST", body }));
      }}
    >
      <Field label="Name">
        <input name="name" required defaultValue={webhook?.name} />
      </Field>
      <Field label="URL">
        <input name="url" type="url" required defaultValue={webhook?.url} placeholder="https://example.com/hooks/video" />
      </Field>
      <fieldset className="events">
        <legend>Events</legend>
        {EVENTS.map((e) => (
          <label key={e} className="check">
            <input type="checkbox" name="events" value={e} defaultChecked={webhook?.events.includes(e)} />
            {e}
          </label>
        ))}
      </fieldset>
      <Field label="Shared secret" hint={webhook ? "Leave empty to keep the current secret." : "Deliveries are signed with it (Livepeer-Signature header)."}>
        <input name="sharedSecret" type="password" autoComplete="off" />
      </Field>
    </Form>
  );
}

export function Webhooks() {
  const hooks = useLoad<Webhook[]>("/webhook?limit=100");
  const [creating, setCreating] = useState(false);
  return (
    <Page
      title="Webhooks"
      actions={
        <button type="button" className="primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>
          Create webhook
        </button>
      }
    >
      {creating && <WebhookForm submit="Create webhook" done={(w) => navigate(`/webhooks/${w.id}`)} />}
      <Loaded load={hooks}>
        {(rows) => (
          <DataTable
            testid="webhooks"
            rows={rows}
            rowKey={(w) => w.id}
            empty={<p>No webhooks yet. Create one with the URL of your server to hear when streams go live and videos are ready.</p>}
            columns={[
              { label: "Name", cell: (w) => <Link to={`/webhooks/${w.id}`}>{w.name}</Link> },
              { label: "URL", cell: (w) => <code className="wrap">{w.url}</code> },
              { label: "Events", cell: (w) => w.events.join(", ") },
              { label: "Last triggered", cell: (w) => fmtDate(w.status?.lastTriggeredAt) },
            ]}
          />
        )}
      </Loaded>
    </Page>
  );
}

/** The receiver's answer: the API keeps its first bytes in base64 (as Studio does); shown as text when it is text. */
function responseText(body?: string | null): string {
  if (!body) return "";
  try {
    const bytes = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return body;
  }
}

function LogEntry({ webhookId, log, resent }: { webhookId: string; log: WebhookLog; resent: () => void }) {
  const status = log.response?.status;
  return (
    <details className="log" data-testid="webhook-log">
      <summary>
        <Badge tone={log.success ? "good" : "bad"}>{status ?? "no response"}</Badge> {log.event} <span className="muted">{fmtDate(log.createdAt)}</span>
      </summary>
      <h4>Request</h4>
      <p>
        <code className="wrap">
          {log.request.method} {log.request.url}
        </code>
      </p>
      <pre>{Object.entries(log.request.headers).map(([k, v]) => `${k}: ${v}`).join("\n")}</pre>
      <pre>{log.request.body}</pre>
      <h4>Response</h4>
      {log.error && <p className="error-inline">{log.error}</p>}
      {log.response ? (
        <>
          <p>
            {log.response.status} {log.response.statusText} {log.duration !== undefined && <span className="muted">in {Math.round(log.duration * 1000)} ms</span>}
          </p>
          <pre>{responseText(log.response.body) || "(empty body)"}</pre>
        </>
      ) : (
        <p className="muted">No response.</p>
      )}
      <ApiAction label="Resend" testid="resend" path={`/webhook/${webhookId}/log/${log.id}/resend`} method="POST" then={resent} />
    </details>
  );
}

export function WebhookDetail({ id }: { id: string }) {
  const load = useLoad<Webhook>(`/webhook/${encodeURIComponent(id)}`);
  const logs = useLoad<WebhookLog[]>(`/webhook/${encodeURIComponent(id)}/log?limit=100`);
  const hook = load.data;
  return (
    <Page
      title={hook?.name ?? "Webhook"}
      back={<Link to="/webhooks">← Webhooks</Link>}
      actions={
        hook && (
          <ApiAction label="Delete" danger testid="delete-webhook" confirm={`Delete the webhook "${hook.name}"?`} path={`/webhook/${hook.id}`} then={() => navigate("/webhooks")} />
        )
      }
    >
      <Loaded load={load}>
        {(w) => (
          <section className="card">
            <h2>Settings</h2>
            <WebhookForm key={JSON.stringify(w)} webhook={w} submit="Save" done={load.reload} />
          </section>
        )}
      </Loaded>
      <section className="card">
        <div className="page-head">
          <h2>Deliveries</h2>
          <button type="button" onClick={logs.reload}>
            Refresh
          </button>
        </div>
        <Loaded load={logs}>
          {(rows) =>
            rows.length === 0 ? (
              <div className="empty">
                <p>No deliveries yet. They are listed here once one of the chosen events happens.</p>
              </div>
            ) : (
              rows.map((log) => <LogEntry key={log.id} webhookId={id} log={log} resent={logs.reload} />)
            )
          }
        </Loaded>
      </section>
    </Page>
  );
}
