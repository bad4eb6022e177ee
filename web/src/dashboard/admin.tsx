// For administrators: the orchestrator pool as this gateway sees it (stake, work, latency, suspensions and bans),
// verification failures with their kept files, this gateway node, and the job dashboard.
import { download, type Evidence, type Network, type NodeInfo, type Orchestrator } from "./api";
import { Action, ApiAction, Badge, DataTable, fmtDate, fmtNum, fmtTokens, Loaded, Page, Stats, useLoad } from "./ui";

const pct = (n: number | undefined, digits = 2) => (n === undefined ? "—" : `${fmtNum(n * 100, digits)}%`);

/** The network's incentives: the round, inflation and bonding, and what each orchestrator keeps and earns. */
function NetworkCard() {
  const network = useLoad<Network>("/network", { poll: () => 15_000 });
  return (
    <section className="card">
      <h2>Network</h2>
      <Loaded load={network}>
        {(n) => (
          <>
            <Stats
              testid="network"
              items={[
                ["Round", `${n.round}${n.roundInitialized === false ? " (not initialized)" : ""}`, "network-round"],
                ["Inflation per round", pct(n.inflationPerRound, 5)],
                ["Bonding rate", `${pct(n.bondingRate)} (target ${pct(n.targetBondingRate)})`],
                ["Total supply", fmtTokens(n.totalSupply)],
                ["Bonded", fmtTokens(n.totalBonded)],
                ["Minted this round", fmtTokens(n.mintableThisRound)],
              ]}
            />
            <DataTable
              testid="network-orchestrators"
              rows={n.orchestrators}
              rowKey={(o) => o.address}
              empty={<p>No orchestrator is in the on-chain pool.</p>}
              columns={[
                { label: "Address", cell: (o) => <code className="wrap">{o.address}</code> },
                { label: "Stake", cell: (o) => fmtTokens(o.totalStake) },
                { label: "Reward cut", cell: (o) => pct(o.rewardCut) },
                { label: "Fee share", cell: (o) => pct(o.feeShare) },
                { label: "Last reward", cell: (o) => (o.rewardedThisRound ? <Badge tone="good">this round</Badge> : `round ${o.lastRewardRound}`) },
                { label: "Rewards / fees", cell: (o) => `${fmtTokens(o.rewards)} LPT / ${fmtTokens(o.fees)} ETH` },
                { label: "Delegators", cell: (o) => (o.delegators == null ? "—" : fmtNum(o.delegators, 0)) },
              ]}
            />
          </>
        )}
      </Loaded>
    </section>
  );
}

function State({ o }: { o: Orchestrator }) {
  const suspended = o.suspendedUntil != null && o.suspendedUntil > Date.now();
  return (
    <span className="stack" data-testid="orchestrator-state">
      {o.badWork ? <Badge tone="bad">banned: bad work</Badge> : suspended ? <Badge tone="warn">suspended until {fmtDate(o.suspendedUntil)}</Badge> : null}
      {!o.badWork && !suspended && (o.active === false ? <Badge tone="plain">inactive</Badge> : o.responding === false ? <Badge tone="warn">not responding</Badge> : <Badge tone="good">ok</Badge>)}
      {o.lastError && <small className="error-inline">{o.lastError}</small>}
    </span>
  );
}

export function Orchestrators() {
  const pool = useLoad<Orchestrator[]>("/orchestrator", { poll: () => 15_000 });
  const evidence = useLoad<Evidence[]>("/orchestrator/evidence");
  const node = useLoad<NodeInfo>("/node");
  return (
    <Page title="Orchestrators" actions={<a href="/hangfire" className="button">Job dashboard</a>}>
      <Loaded load={pool}>
        {(rows) => (
          <DataTable
            testid="orchestrators"
            rows={rows}
            rowKey={(o) => o.id}
            empty={<p>No orchestrators known. Configure the gateway's orchestrator discovery (or a fixed list) and restart it.</p>}
            columns={[
              { label: "Address", cell: (o) => <code className="wrap">{o.address ?? o.id}</code> },
              { label: "URI", cell: (o) => <code className="wrap">{o.serviceUri}</code> },
              { label: "Stake share", cell: (o) => (o.stakeShare === undefined ? "—" : `${fmtNum(o.stakeShare * 100, 2)}%`) },
              { label: "Segments", cell: (o) => `${fmtNum(o.successes, 0)} ok / ${fmtNum(o.failures, 0)} failed` },
              { label: "Latency", cell: (o) => `${fmtNum(o.latencyScore, 2)}${o.discoveryLatencyMs != null ? ` (${fmtNum(o.discoveryLatencyMs, 0)} ms)` : ""}` },
              { label: "State", cell: (o) => <State o={o} /> },
              {
                label: "Actions",
                cell: (o) =>
                  o.badWork || (o.suspendedUntil ?? 0) > Date.now() ? (
                    <ApiAction label="Reinstate" testid="reinstate" confirm={`Reinstate ${o.address ?? o.serviceUri}?`} path="/orchestrator/reinstate" method="POST" body={{ id: o.id }} then={pool.reload} />
                  ) : null,
              },
            ]}
          />
        )}
      </Loaded>
      <NetworkCard />
      <section className="card">
        <h2>Verification failures</h2>
        <Loaded load={evidence}>
          {(rows) => (
            <DataTable
              testid="evidence"
              rows={rows}
              rowKey={(e) => e.id}
              empty={<p>No verification failures: every checked rendition matched its source.</p>}
              columns={[
                { label: "When", cell: (e) => fmtDate(e.createdAt) },
                { label: "Orchestrator", cell: (e) => <code className="wrap">{e.orchestrator}</code> },
                { label: "Playback ID", cell: (e) => <code>{e.playbackId}</code> },
                { label: "Reason", cell: (e) => e.reason },
                {
                  label: "Files",
                  cell: (e) => (
                    <span className="row">
                      {e.files.map((f) => (
                        <Action key={f} label={f} run={() => download(`/orchestrator/evidence/${encodeURIComponent(e.id)}/${encodeURIComponent(f)}`, f)} />
                      ))}
                    </span>
                  ),
                },
              ]}
            />
          )}
        </Loaded>
      </section>
      <section className="card">
        <h2>Gateway node</h2>
        <Loaded load={node}>
          {(n) => (
            <Stats
              testid="node"
              items={[
                ["Machine", `${n.machine ?? "—"} (pid ${n.processId ?? "—"})`],
                ["Roles", n.roles ?? "—"],
                ["Started", fmtDate(n.startedAt)],
                ["Publishers connected", n.publishers?.length ?? 0],
                ["Live segments transcoded", fmtNum(n.liveSegmentsTranscoded, 0)],
              ]}
            />
          )}
        </Loaded>
      </section>
    </Page>
  );
}
