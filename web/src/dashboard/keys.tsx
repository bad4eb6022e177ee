// API keys (for apps and the SDK) and signing keys (for JWT playback): create (the secret shown once), list,
// disable and delete.
import { useState } from "react";
import { api, type ApiToken, type SigningKey } from "./api";
import { Action, ApiAction, Badge, DataTable, Field, fmtDate, Form, Loaded, OnceSecret, Page, useLoad } from "./ui";

function ApiTokens() {
  const tokens = useLoad<ApiToken[]>("/api-token?limit=100");
  const [created, setCreated] = useState<string>();
  return (
    <section className="card">
      <p className="muted">Apps and the Livepeer SDK authenticate with an API key of this project (Authorization: Bearer key).</p>
      <Form
        submit="Create API key"
        testid="create-api-key-form"
        onSubmit={async (data) => {
          const token = await api<ApiToken>("/api-token", { method: "POST", body: { name: String(data.get("name")).trim() } });
          setCreated(token.key ?? token.id);
          tokens.reload();
        }}
      >
        <Field label="Key name">
          <input name="name" required maxLength={500} placeholder="Production server" />
        </Field>
      </Form>
      {created && <OnceSecret title="Your new API key." value={created} testid="new-api-key" onDone={() => setCreated(undefined)} />}
      <Loaded load={tokens}>
        {(rows) => (
          <DataTable
            testid="api-keys"
            rows={rows}
            rowKey={(t) => t.id}
            empty={<p>No API keys yet. Create one first, then use it in your app or with the SDK.</p>}
            columns={[
              { label: "Name", cell: (t) => t.name },
              { label: "Key", cell: (t) => <code>{t.keyPrefix}…</code> },
              { label: "Created", cell: (t) => fmtDate(t.createdAt) },
              { label: "Last used", cell: (t) => fmtDate(t.lastSeen) },
              {
                label: "Actions",
                cell: (t) => (
                  <ApiAction label="Delete" danger confirm={`Delete the API key "${t.name}"? Apps using it stop working.`} path={`/api-token/${t.id}`} then={tokens.reload} />
                ),
              },
            ]}
          />
        )}
      </Loaded>
    </section>
  );
}

function SigningKeys() {
  const keys = useLoad<SigningKey[]>("/access-control/signing-key?limit=100");
  const [created, setCreated] = useState<string>();
  return (
    <section className="card">
      <h2>Signing keys</h2>
      <p className="muted">Streams and assets with a signed (JWT) playback policy play only with a token signed by one of these keys.</p>
      <Action label="Create signing key" testid="create-signing-key" run={async () => {
        const key = await api<SigningKey>("/access-control/signing-key", { method: "POST" });
        setCreated(key.privateKey ?? "");
        keys.reload();
      }} />
      {created !== undefined && <OnceSecret title="The new key's private key." value={created} testid="new-private-key" onDone={() => setCreated(undefined)} />}
      <Loaded load={keys}>
        {(rows) => (
          <DataTable
            testid="signing-keys"
            rows={rows}
            rowKey={(k) => k.id}
            empty={<p>No signing keys yet. Create one first to sign playback tokens for gated streams and assets.</p>}
            columns={[
              { label: "Name", cell: (k) => k.name },
              { label: "ID", cell: (k) => <code className="wrap">{k.id}</code> },
              { label: "Created", cell: (k) => fmtDate(k.createdAt) },
              { label: "Status", cell: (k) => (k.disabled ? <Badge tone="warn">disabled</Badge> : <Badge tone="good">enabled</Badge>) },
              {
                label: "Actions",
                cell: (k) => (
                  <span className="row">
                    <ApiAction label={k.disabled ? "Enable" : "Disable"} path={`/access-control/signing-key/${k.id}`} method="PATCH" body={{ disabled: !k.disabled }} then={keys.reload} />
                    <ApiAction label="Delete" danger confirm={`Delete the signing key "${k.name}"? Tokens it signed stop working.`} path={`/access-control/signing-key/${k.id}`} then={keys.reload} />
                  </span>
                ),
              },
            ]}
          />
        )}
      </Loaded>
    </section>
  );
}

export function ApiKeys() {
  return (
    <Page title="API keys">
      <ApiTokens />
      <SigningKeys />
    </Page>
  );
}
