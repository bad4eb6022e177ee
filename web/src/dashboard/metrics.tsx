// Usage (transcoding, delivery and storage minutes a day) and viewership (views and playtime a day, viewers now,
// and a breakdown by playback id, browser, device or country), drawn as SVG bar charts.
import { useState } from "react";
import { api, withQuery, type Usage as UsageMetric, type ViewRow } from "./api";
import { BarChart, DataTable, Field, fmtNum, Loaded, Page, PeriodSelect, Stats, lastDays, useLoad } from "./ui";

/** A wei amount (a decimal string, possibly beyond 2^53) in ETH, to 6 decimals. */
function eth(wei: string | number | undefined): string {
  const w = BigInt(wei ?? 0);
  const micro = Number(w / 1_000_000_000_000n) / 1_000_000;
  return `${micro.toLocaleString(undefined, { maximumFractionDigits: 6 })} ETH`;
}

interface UsageDays {
  total: UsageMetric;
  days: { label: string; usage: UsageMetric }[];
}

/** The usage API answers one total for a range: one call for the period, and one for each of its days. */
async function loadUsage(count: number): Promise<UsageDays> {
  const days = lastDays(count);
  const [total, ...each] = await Promise.all([
    api<UsageMetric>(withQuery("/data/usage/query", { from: days[0].from, to: days[days.length - 1].to })),
    ...days.map((d) => api<UsageMetric>(withQuery("/data/usage/query", { from: d.from, to: d.to }))),
  ]);
  return { total, days: days.map((d, i) => ({ label: d.label, usage: each[i] })) };
}

const USAGE_CHARTS: { key: keyof UsageMetric; title: string; testid: string }[] = [
  { key: "TotalUsageMins", title: "Transcoding minutes", testid: "chart-total-usage" },
  { key: "DeliveryUsageMins", title: "Delivery minutes", testid: "chart-delivery-usage" },
  { key: "StorageUsageMins", title: "Storage minutes", testid: "chart-storage-usage" },
];

export function Usage() {
  const [days, setDays] = useState(30);
  const usage = useLoad<UsageDays>(`usage:${days}`, { fetch: () => loadUsage(days) });
  return (
    <Page title="Usage" actions={<PeriodSelect days={days} onChange={setDays} />}>
      <Loaded load={usage}>
        {({ total, days: rows }) => (
          <>
            <Stats
              testid="usage-totals"
              items={[
                ["Transcoding", `${fmtNum(total.TotalUsageMins, 2)} min`],
                ["Delivery", `${fmtNum(total.DeliveryUsageMins, 2)} min`],
                ["Storage", `${fmtNum(total.StorageUsageMins, 2)} min`],
                ["Source ingested", `${fmtNum(total.SourceMins, 2)} min`],
                ["Paid to orchestrators", eth(total.PaidWei)],
              ]}
            />
            {USAGE_CHARTS.map((c) => (
              <BarChart key={c.key} title={c.title} unit="min" testid={c.testid} points={rows.map((d) => ({ label: d.label, value: Number(d.usage[c.key] ?? 0) }))} />
            ))}
          </>
        )}
      </Loaded>
    </Page>
  );
}

const BREAKDOWNS: { value: string; label: string }[] = [
  { value: "playbackId", label: "Playback ID" },
  { value: "browser", label: "Browser" },
  { value: "device", label: "Device" },
  { value: "deviceType", label: "Device type" },
  { value: "os", label: "Operating system" },
  { value: "country", label: "Country" },
];

function ViewersNow() {
  const now = useLoad<ViewRow[]>("/data/views/now", { poll: () => 10_000 });
  const count = (now.data ?? []).reduce((sum, r) => sum + (r.viewCount ?? 0), 0);
  return <Stats items={[["Watching now", now.data ? count : "…", "viewers-now"]]} />;
}

export function Viewership() {
  const [count, setCount] = useState(30);
  const [by, setBy] = useState("playbackId");
  const days = lastDays(count);
  const range = { from: days[0].from, to: days[days.length - 1].to };
  const daily = useLoad<ViewRow[]>(withQuery("/data/views/query", { ...range, timeStep: "day" }));
  const breakdown = useLoad<ViewRow[]>(withQuery("/data/views/query", { ...range, "breakdownBy[]": [by] }));
  const byDay = (field: "viewCount" | "playtimeMins", rows: ViewRow[]) =>
    days.map((d) => ({ label: d.label, value: rows.filter((r) => r.timestamp === d.from).reduce((sum, r) => sum + (r[field] ?? 0), 0) }));
  return (
    <Page title="Viewership" actions={<PeriodSelect days={count} onChange={setCount} />}>
      <ViewersNow />
      <Loaded load={daily}>
        {(rows) => (
          <>
            <BarChart title="Views" unit="views" testid="chart-views" points={byDay("viewCount", rows)} />
            <BarChart title="Playtime" unit="min" testid="chart-playtime" points={byDay("playtimeMins", rows)} />
          </>
        )}
      </Loaded>
      <section className="card">
        <div className="page-head">
          <h2>Breakdown</h2>
          <Field label="Break down by">
            <select value={by} onChange={(e) => setBy(e.target.value)}>
              {BREAKDOWNS.map((b) => (
                <option key={b.value} value={b.value}>
                  {b.label}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Loaded load={breakdown}>
          {(rows) => (
            <DataTable
              testid="views-breakdown"
              rows={[...rows].sort((a, b) => (b.viewCount ?? 0) - (a.viewCount ?? 0))}
              rowKey={(r) => String(r[by])}
              empty={<p>No views in this period. Embed a stream or asset's player on a page and watch it to see views here.</p>}
              columns={[
                { label: BREAKDOWNS.find((b) => b.value === by)?.label ?? by, cell: (r) => <code className="wrap">{String(r[by] || "unknown")}</code> },
                { label: "Views", cell: (r) => fmtNum(r.viewCount, 0) },
                { label: "Playtime (min)", cell: (r) => fmtNum(r.playtimeMins, 2) },
                { label: "Time to first frame", cell: (r) => (r.ttffMs === undefined ? "—" : `${fmtNum(r.ttffMs, 0)} ms`) },
                { label: "Error rate", cell: (r) => `${fmtNum((r.errorRate ?? 0) * 100)}%` },
              ]}
            />
          )}
        </Loaded>
      </section>
    </Page>
  );
}
