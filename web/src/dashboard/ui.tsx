// The pieces every page is made of: loading a resource, showing errors in place, tables with their empty state,
// buttons and forms that run one API call, copyable and hidden values, the player frame and SVG bar charts.
import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { api, ApiError } from "./api";

export function errorMessages(error: unknown): string[] {
  if (error instanceof ApiError) return error.messages;
  if (error instanceof Error) return [error.message];
  return error ? [String(error)] : [];
}

/** An error shown where it happened: next to the form or button that caused it. */
export function ErrorText({ error }: { error: unknown }) {
  const messages = errorMessages(error);
  if (messages.length === 0) return null;
  return (
    <div role="alert" className="error">
      {messages.map((m, i) => (
        <p key={i}>{m}</p>
      ))}
    </div>
  );
}

export interface Load<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

interface LoadOptions<T> {
  /** How to load it, when it is not a GET of the key as an /api path. */
  fetch?: () => Promise<T>;
  /** Milliseconds until the next load, or false to stop polling. */
  poll?: (data: T) => number | false;
}

/** Loads a resource (by default GET /api{key}) again whenever the key changes, on reload(), and as poll asks. */
export function useLoad<T>(key: string | null, options: LoadOptions<T> = {}): Load<T> {
  const [state, setState] = useState<{ key: string | null; data?: T; error?: unknown; loading: boolean }>({ key, loading: key !== null });
  const [tick, setTick] = useState(0);
  const opts = useRef(options);
  opts.current = options;
  useEffect(() => {
    if (key === null) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const data = await (opts.current.fetch ? opts.current.fetch() : api<T>(key));
        if (stopped) return;
        setState({ key, data, loading: false });
        const next = opts.current.poll?.(data);
        if (next) timer = setTimeout(run, next);
      } catch (error) {
        if (stopped) return;
        setState((s) => ({ ...s, error, loading: false }));
        if (opts.current.poll) timer = setTimeout(run, 10_000);
      }
    };
    setState((s) => (s.key === key ? { ...s, loading: true } : { key, loading: true }));
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.key === key ? state.data : undefined, error: state.error, loading: state.loading, reload };
}

/** Shows a load's data, or its first loading or its error (the data stays on screen while it reloads). */
export function Loaded<T>({ load, children }: { load: Load<T>; children: (data: T) => ReactNode }) {
  if (load.data !== undefined) {
    return (
      <>
        {children(load.data)}
        <ErrorText error={load.error} />
      </>
    );
  }
  if (load.error) {
    return (
      <div>
        <ErrorText error={load.error} />
        <button type="button" onClick={load.reload}>
          Try again
        </button>
      </div>
    );
  }
  return (
    <p className="muted" role="status">
      Loading…
    </p>
  );
}

export interface Column<T> {
  label: string;
  cell: (row: T) => ReactNode;
}

/** A list as a table (stacked cards on a phone), or its empty state saying what to do first. */
export function DataTable<T>({ rows, columns, empty, rowKey, testid }: { rows: T[]; columns: Column<T>[]; empty: ReactNode; rowKey: (row: T) => string; testid?: string }) {
  if (rows.length === 0)
    return (
      <div className="empty" data-testid={testid && `${testid}-empty`}>
        {empty}
      </div>
    );
  return (
    <table className="table" data-testid={testid}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.label} scope="col">
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((c) => (
              <td key={c.label} data-label={c.label}>
                {c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A button that runs one call, says it is busy, asks first when it should, and shows its error beside it. */
export function Action({ label, run, confirm, danger, testid }: { label: string; run: () => Promise<unknown>; confirm?: string; danger?: boolean; testid?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const click = async () => {
    if (confirm && !window.confirm(confirm)) return;
    setBusy(true);
    setError(undefined);
    try {
      await run();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="action">
      <button type="button" className={danger ? "danger" : undefined} disabled={busy} onClick={click} data-testid={testid}>
        {label}
      </button>
      <ErrorText error={error} />
    </span>
  );
}

/** An Action that sends one request to the API (DELETE unless told otherwise), then does `then`. */
export function ApiAction({ path, method = "DELETE", body, then, ...button }: Omit<Parameters<typeof Action>[0], "run"> & { path: string; method?: "POST" | "PATCH" | "DELETE"; body?: unknown; then: () => void }) {
  return (
    <Action
      {...button}
      run={async () => {
        await api(path, { method, body });
        then();
      }}
    />
  );
}

/** A form that submits through one call, with its error shown under it; create forms clear themselves when it succeeds. */
export function Form({ onSubmit, submit, children, testid, keep }: { onSubmit: (data: FormData) => Promise<unknown>; submit: string; children: ReactNode; testid?: string; keep?: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const send = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(new FormData(form));
      if (!keep) form.reset();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={send} data-testid={testid}>
      {children}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? `${submit}…` : submit}
        </button>
      </div>
      <ErrorText error={error} />
    </form>
  );
}

export function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: string }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
      {hint && <small className="muted">{hint}</small>}
    </label>
  );
}

export function Page({ title, back, actions, children }: { title: string; back?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="page">
      {back && <p className="back">{back}</p>}
      <header className="page-head">
        <h1>{title}</h1>
        {actions && <div className="row">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // No clipboard API (plain http, an old browser, or permission refused): copy through a selected textarea.
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "offscreen";
  document.body.append(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("Could not copy: select the text and copy it yourself.");
}

export function Copy({ text, what, testid }: { text: string; what: string; testid?: string }) {
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<unknown>();
  const click = async () => {
    try {
      await copyText(text);
      setError(undefined);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <span className="action">
      <button type="button" onClick={click} aria-label={`Copy ${what}`} data-testid={testid}>
        {copied ? "Copied" : "Copy"}
      </button>
      <ErrorText error={error} />
    </span>
  );
}

/** A value with its copy button. */
export function Value({ label, value, what, testid, secret, revealTestid }: { label: string; value: string; what: string; testid?: string; secret?: boolean; revealTestid?: string }) {
  const [shown, setShown] = useState(!secret);
  return (
    <div className="value">
      <span className="value-label">{label}</span>
      <code data-testid={testid}>{shown ? value : "••••••••••••••••"}</code>
      <span className="row">
        {secret && (
          <button type="button" onClick={() => setShown(!shown)} data-testid={revealTestid} aria-label={`${shown ? "Hide" : "Reveal"} ${what}`}>
            {shown ? "Hide" : "Reveal"}
          </button>
        )}
        <Copy text={value} what={what} />
      </span>
    </div>
  );
}

/** A secret the API shows only once (a new API key or private key). */
export function OnceSecret({ title, value, testid, onDone }: { title: string; value: string; testid: string; onDone: () => void }) {
  return (
    <div className="notice" role="status">
      <p>
        <strong>{title}</strong> Copy it now and keep it safe: it will not be shown again.
      </p>
      <pre className="secret-text" data-testid={testid}>
        {value}
      </pre>
      <div className="row">
        <Copy text={value} what={title} />
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

export const playerUrl = (playbackId: string) => `/play/${encodeURIComponent(playbackId)}`;

export function embedSnippet(playbackId: string): string {
  return `<iframe src="${window.location.origin}${playerUrl(playbackId)}" allowfullscreen allow="autoplay; encrypted-media; picture-in-picture"></iframe>`;
}

export function Player({ playbackId, title }: { playbackId: string; title: string }) {
  return <iframe className="player" title={title} src={playerUrl(playbackId)} allowFullScreen allow="autoplay; encrypted-media; picture-in-picture" />;
}

/** The embed code for a playback id, ready to copy. */
export function Embed({ playbackId }: { playbackId: string }) {
  const snippet = embedSnippet(playbackId);
  return (
    <div className="value">
      <span className="value-label">Embed code</span>
      <pre data-testid="embed-snippet">{snippet}</pre>
      <Copy text={snippet} what="embed code" />
    </div>
  );
}

/** A player that loads only when opened, for lists of recordings. */
export function LazyPlayer({ playbackId, title, summary }: { playbackId: string; title: string; summary: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{summary}</summary>
      {open && <Player playbackId={playbackId} title={title} />}
    </details>
  );
}

export function Badge({ tone, children, testid }: { tone: "good" | "bad" | "warn" | "plain"; children: ReactNode; testid?: string }) {
  return (
    <span className={`badge ${tone}`} data-testid={testid}>
      {children}
    </span>
  );
}

/** Figures side by side: [label, value, testid?]. */
export function Stats({ items, testid }: { items: [string, ReactNode, string?][]; testid?: string }) {
  return (
    <dl className="stats" data-testid={testid}>
      {items.map(([label, value, id]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd data-testid={id}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function fmtDate(ms?: number | null): string {
  return ms ? new Date(ms).toLocaleString() : "—";
}

export function fmtNum(n: number | undefined | null, digits = 1): string {
  return n === undefined || n === null ? "—" : n.toLocaleString(undefined, { maximumFractionDigits: digits });
}

/** A token or ETH amount given in its smallest unit (18 decimals) as a decimal string, with up to four decimals. */
export function fmtTokens(wei: string | undefined | null): string {
  if (!wei) return "—";
  const value = BigInt(wei);
  const whole = value / 10n ** 18n;
  const fraction = (value % 10n ** 18n).toString().padStart(18, "0").slice(0, 4).replace(/0+$/, "");
  return `${whole.toLocaleString()}${fraction ? `.${fraction}` : ""}`;
}

export function fmtBytes(n?: number | null): string {
  if (!n) return "—";
  const units = ["B", "KB", "MB", "GB", "TB"];
  const i = Math.min(units.length - 1, Math.floor(Math.log(n) / Math.log(1024)));
  return `${fmtNum(n / 1024 ** i)} ${units[i]}`;
}

export interface Point {
  label: string;
  value: number;
}

/** A bar chart as inline SVG; the figure's text gives the total and the peak for screen readers. */
export function BarChart({ title, points, unit, testid }: { title: string; points: Point[]; unit: string; testid?: string }) {
  const width = 640;
  const height = 180;
  const left = 44;
  const max = Math.max(0, ...points.map((p) => p.value));
  const top = max > 0 ? max : 1;
  const slot = (width - left) / Math.max(1, points.length);
  const every = Math.ceil(points.length / 8);
  const total = points.reduce((sum, p) => sum + p.value, 0);
  return (
    <figure className="chart" data-testid={testid}>
      <figcaption>
        {title} <span className="muted">(total {fmtNum(total, 2)} {unit})</span>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height + 24}`} role="img" aria-label={`${title}: total ${fmtNum(total, 2)} ${unit}, peak ${fmtNum(max, 2)} ${unit} a day`}>
        <line x1={left} y1={height} x2={width} y2={height} className="axis" />
        <text x={left - 6} y={12} className="tick" textAnchor="end">
          {fmtNum(max, 1)}
        </text>
        <text x={left - 6} y={height} className="tick" textAnchor="end">
          0
        </text>
        {points.map((p, i) => {
          const h = (p.value / top) * (height - 8);
          const x = left + i * slot;
          return (
            <g key={p.label}>
              <rect x={x + slot * 0.15} y={height - h} width={slot * 0.7} height={h} className="bar">
                <title>{`${p.label}: ${fmtNum(p.value, 2)} ${unit}`}</title>
              </rect>
              {i % every === 0 && (
                <text x={x + slot / 2} y={height + 16} className="tick" textAnchor="middle">
                  {p.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** The UTC days of the last `count` days, oldest first: the buckets the metrics API uses with timeStep=day. */
export function lastDays(count: number): { from: number; to: number; label: string }[] {
  const today = new Date();
  const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Array.from({ length: count }, (_, i) => {
    const from = start - (count - 1 - i) * 86_400_000;
    return { from, to: from + 86_400_000, label: new Date(from).toISOString().slice(5, 10) };
  });
}

export function PeriodSelect({ days, onChange }: { days: number; onChange: (days: number) => void }) {
  return (
    <Field label="Period">
      <select value={days} onChange={(e) => onChange(Number(e.target.value))}>
        {[7, 14, 30].map((d) => (
          <option key={d} value={d}>
            Last {d} days
          </option>
        ))}
      </select>
    </Field>
  );
}
