// The StreamGateway dashboard at /dashboard: sign in with email and password, pick a project, and manage its
// streams, assets, webhooks, keys and metrics through the public REST API, as any app would.
import { StrictMode, useCallback, useEffect, useState, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import { api, onUnauthorized, session, signIn, signOut, type Me, type Project } from "./api";
import { Link, navigate, usePath } from "./router";
import { ErrorText, Field, Form, Page } from "./ui";
import { StreamDetail, Streams } from "./streams";
import { AssetDetail, Assets } from "./assets";
import { WebhookDetail, Webhooks } from "./webhooks";
import { ApiKeys } from "./keys";
import { Usage, Viewership } from "./metrics";
import { Orchestrators } from "./admin";
import "./styles.css";

interface Account {
  me: Me;
  projects: Project[];
}

const NAV: { to: string; name: string; admin?: boolean }[] = [
  { to: "/streams", name: "Streams" },
  { to: "/assets", name: "Assets" },
  { to: "/webhooks", name: "Webhooks" },
  { to: "/api-keys", name: "API keys" },
  { to: "/usage", name: "Usage" },
  { to: "/viewership", name: "Viewership" },
  { to: "/orchestrators", name: "Orchestrators", admin: true },
];

function route(path: string, me: Me): ReactNode {
  const parts = path.split("/");
  if (parts.length > 3) return <NotFound />;
  const [, section, raw] = parts;
  let id: string | undefined;
  try {
    id = raw === undefined ? undefined : decodeURIComponent(raw);
  } catch {
    return <NotFound />;
  }
  switch (section) {
    case "streams":
      return id ? <StreamDetail id={id} /> : <Streams />;
    case "assets":
      return id ? <AssetDetail id={id} /> : <Assets />;
    case "webhooks":
      return id ? <WebhookDetail id={id} /> : <Webhooks />;
    case "api-keys":
      return id ? <NotFound /> : <ApiKeys />;
    case "usage":
      return id ? <NotFound /> : <Usage />;
    case "viewership":
      return id ? <NotFound /> : <Viewership />;
    case "orchestrators":
      return me.admin && !id ? <Orchestrators /> : <NotFound />;
    default:
      return <NotFound />;
  }
}

function NotFound() {
  return (
    <Page title="Page not found">
      <p>
        There is no such page. Go to <Link to="/streams">Streams</Link>.
      </p>
    </Page>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  return (
    <main className="signin">
      <h1>StreamGateway</h1>
      <p className="muted">Sign in to manage your streams and videos.</p>
      <Form
        submit="Sign in"
        testid="sign-in-form"
        keep
        onSubmit={async (data) => {
          await signIn(String(data.get("email")), String(data.get("password")));
          onSignedIn();
        }}
      >
        <Field label="Email">
          <input type="email" name="email" autoComplete="username" required />
        </Field>
        <Field label="Password">
          <input type="password" name="password" autoComplete="current-password" required />
        </Field>
      </Form>
    </main>
  );
}

function ProjectSwitcher({ account, project, onSwitch, onCreated }: { account: Account; project: string; onSwitch: (id: string) => void; onCreated: (p: Project) => void }) {
  const [creating, setCreating] = useState(false);
  return (
    <div className="projects">
      <select aria-label="Project" value={project} onChange={(e) => onSwitch(e.target.value)} data-testid="project-select">
        {account.projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      <button type="button" onClick={() => setCreating(!creating)} aria-expanded={creating}>
        New project
      </button>
      {creating && (
        <Form
          submit="Create project"
          testid="new-project-form"
          onSubmit={async (data) => {
            const created = await api<Project>("/project", { method: "POST", body: { name: String(data.get("name")).trim() }, project: false });
            setCreating(false);
            onCreated(created);
          }}
        >
          <Field label="Project name">
            <input name="name" required maxLength={500} />
          </Field>
        </Form>
      )}
    </div>
  );
}

function App() {
  const [signedIn, setSignedIn] = useState(() => session.token() !== null);
  const [account, setAccount] = useState<Account>();
  const [error, setError] = useState<unknown>();
  const [project, setProject] = useState(() => session.project() ?? "");
  const [menuOpen, setMenuOpen] = useState(false);
  const path = usePath();

  useEffect(() => {
    onUnauthorized(() => {
      session.clear();
      setAccount(undefined);
      setSignedIn(false);
    });
  }, []);

  const loadAccount = useCallback(async () => {
    setError(undefined);
    try {
      const [me, projects] = await Promise.all([api<Me>("/user/me", { project: false }), api<Project[]>("/project", { project: false })]);
      const current = session.project();
      const chosen = current && projects.some((p) => p.id === current) ? current : (me.defaultProjectId ?? projects[0]?.id ?? "");
      session.setProject(chosen || null);
      setProject(chosen);
      setAccount({ me, projects });
    } catch (e) {
      setError(e);
    }
  }, []);

  useEffect(() => {
    if (signedIn) void loadAccount();
  }, [signedIn, loadAccount]);

  useEffect(() => {
    if (signedIn && path === "/") navigate("/streams", true);
  }, [signedIn, path]);

  useEffect(() => setMenuOpen(false), [path]);

  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  if (!account)
    return (
      <main className="signin">
        {error ? (
          <>
            <ErrorText error={error} />
            <button type="button" onClick={() => void loadAccount()}>
              Try again
            </button>
          </>
        ) : (
          <p role="status">Loading your account…</p>
        )}
      </main>
    );

  const switchTo = (id: string) => {
    session.setProject(id);
    setProject(id);
    // A stream or asset of the other project is not in this one: go back to the section's list.
    const section = path.split("/")[1];
    if (path.split("/").length > 2) navigate(`/${section}`);
  };

  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/streams" className="brand">
          StreamGateway
        </Link>
        <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <div id="nav" className={menuOpen ? "nav open" : "nav"}>
          <nav aria-label="Main">
            {NAV.filter((n) => !n.admin || account.me.admin).map((n) => (
              <Link key={n.to} to={n.to} aria-current={path === n.to || path.startsWith(`${n.to}/`) ? "page" : undefined}>
                {n.name}
              </Link>
            ))}
          </nav>
          <ProjectSwitcher
            account={account}
            project={project}
            onSwitch={switchTo}
            onCreated={(p) => {
              setAccount({ ...account, projects: [...account.projects, p] });
              switchTo(p.id);
            }}
          />
          <div className="user">
            <span data-testid="user-email">{account.me.email}</span>
            <button
              type="button"
              onClick={() => {
                void signOut().finally(() => {
                  setAccount(undefined);
                  setSignedIn(false);
                });
              }}
            >
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main className="content" key={project}>
        {path === "/" ? null : route(path, account.me)}
      </main>
    </div>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
