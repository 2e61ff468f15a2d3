/**
 * The dashboard's shell: asks the gateway whether admin auth is on, shows the login form until a
 * session exists, then the navigation and the page the hash names. Nothing is fetched from the
 * management API before login (the API would refuse it anyway).
 */
import { useEffect, useState } from "preact/hooks";
import { api, onUnauthorized, session, type AuthState } from "./api";
import { Button, ErrorNote, Field, Loading, Toasts } from "./components";
import { onFeedState, resetFeed } from "./live";
import { PAGES, pageFor } from "./pages";
import { href, useRoute } from "./router";

export function App() {
  const [auth, setAuth] = useState<AuthState | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const check = () =>
    session
      .state()
      .then((s) => {
        setAuth(s);
        setError(null);
      })
      .catch((e) => setError(e));
  useEffect(() => {
    void check();
    return onUnauthorized(() => setAuth((a) => (a ? { ...a, has_valid_token: false } : a)));
  }, []);

  if (error && !auth) return <main class="center"><ErrorNote error={error} onRetry={check} /></main>;
  if (!auth) return <main class="center"><Loading /></main>;
  if (auth.is_auth_enabled && !auth.has_valid_token) return <Login onDone={check} />;
  return (
    <Shell
      auth={auth}
      onLogout={async () => {
        await session.logout().catch(() => undefined);
        resetFeed();
        await check();
      }}
    />
  );
}

function Login(props: { onDone: () => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  return (
    <main class="center">
      <form
        class="card login"
        aria-label="Log in"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await session.login(username, password);
            props.onDone();
          } catch (err) {
            setError(err as Error);
          } finally {
            setBusy(false);
          }
        }}
      >
        <div class="brand big"><Logo /> Bifrost</div>
        <p class="muted">Log in with the gateway's admin credentials (<code>auth_config</code>).</p>
        <Field label="Username">{(id) => <input id={id} name="username" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />}</Field>
        <Field label="Password">{(id) => <input id={id} name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}</Field>
        <ErrorNote error={error} />
        <Button type="submit" variant="primary" busy={busy}>Log in</Button>
      </form>
    </main>
  );
}

function Shell(props: { auth: AuthState; onLogout: () => void }) {
  const route = useRoute();
  const page = pageFor(route.page);
  const [menuOpen, setMenuOpen] = useState(false);
  const [feedUp, setFeedUp] = useState(false);
  const [version, setVersion] = useState("");
  useEffect(() => onFeedState(setFeedUp), []);
  useEffect(() => {
    api.get<string>("/api/version").then(setVersion).catch(() => undefined);
  }, []);
  useEffect(() => setMenuOpen(false), [route.page]);
  useEffect(() => {
    document.title = `${page.title} · Bifrost`;
  }, [page]);
  const Page = page.component;
  return (
    <div class="shell">
      <a class="skip" href="#main">Skip to content</a>
      <aside class={`sidebar ${menuOpen ? "open" : ""}`}>
        <div class="sidebar-top">
          <a class="brand" href={href(PAGES[0]!.id)}><Logo /> Bifrost</a>
          <button type="button" class="btn ghost menu-toggle" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
            Menu
          </button>
        </div>
        <nav id="nav" aria-label="Dashboard">
          <ul>
            {PAGES.map((p) => (
              <li>
                <a href={href(p.id)} aria-current={p.id === page.id ? "page" : undefined}>
                  <svg aria-hidden="true" class="nav-icon" viewBox="0 0 24 24" width="18" height="18">
                    <path d={p.icon} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
                  </svg>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
          <div class="sidebar-foot">
            <span class={`dot ${feedUp ? "ok" : "bad"}`} aria-hidden="true" />
            <span class="muted" data-testid="feed-state">{feedUp ? "Live" : "Offline"}</span>
            {version ? <span class="muted version">{version}</span> : null}
            {props.auth.is_auth_enabled ? <Button variant="ghost" onClick={props.onLogout}>Log out</Button> : null}
          </div>
        </nav>
      </aside>
      <main id="main" tabIndex={-1}>
        {!props.auth.is_auth_enabled ? (
          <div class="note warn" role="note">
            <span>
              Admin auth is off: the management API answers only on this machine's loopback address. Set <code>auth_config</code> to expose it.
            </span>
          </div>
        ) : null}
        <Page route={route} />
      </main>
      <Toasts />
    </div>
  );
}

function Logo() {
  return (
    <svg class="logo" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <path d="M2 18 C 6 4, 18 4, 22 18" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" />
      <path d="M6 18 C 9 9, 15 9, 18 18" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" opacity=".6" />
    </svg>
  );
}
