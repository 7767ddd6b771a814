// The console's shell: sign-in when signed out; otherwise a header, the navigation for
// the user's roles and the screen of the current hash route. Moving between screens
// puts the keyboard focus on the new screen's heading.
import { useEffect, useMemo, useState } from "preact/hooks";
import { SessionContext } from "./context";
import { routesFor, parseHash } from "./routes";
import { Role } from "./sdk";
import { type Session, keep, restoreSession, signOut } from "./session";
import { SignIn } from "./SignIn";

export function App() {
  const [session, setSession] = useState<Session | undefined>(() => restoreSession());
  useEffect(() => {
    if (!session) return undefined;
    const save = () => keep(session.client.session.tokens);
    window.addEventListener("pagehide", save);
    return () => window.removeEventListener("pagehide", save);
  }, [session]);

  if (!session) return <SignIn onSignedIn={setSession} />;
  const end = () => {
    void signOut(session);
    setSession(undefined);
    window.location.hash = "";
  };
  return (
    <SessionContext.Provider value={{ session, signOut: end }}>
      <Shell session={session} onSignOut={end} />
    </SessionContext.Provider>
  );
}

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return hash;
}

function Shell({ session, onSignOut }: { readonly session: Session; readonly onSignOut: () => void }) {
  const hash = useHash();
  const routes = useMemo(() => routesFor(session.user.roles), [session]);
  const { path, param } = parseHash(hash);
  const route = routes.find((r) => r.path === path) ?? routes[0];
  useEffect(() => {
    document.querySelector<HTMLElement>("main h1")?.focus();
  }, [hash]);

  const roles = session.user.roles.map((r) => Role[r].toLowerCase()).join(", ");
  const Screen = route?.screen;
  return (
    <div class="shell">
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.querySelector<HTMLElement>("main h1")?.focus(); }}>
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">Gigwire</span>
        <span class="who">
          <span data-testid="signed-in-as">{session.user.displayName}</span> <span class="muted">({roles})</span>
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav class="mainnav" aria-label="Main">
        <ul>
          {routes
            .filter((r) => r.inNav)
            .map((r) => (
              <li key={r.path}>
                <a href={`#${r.path}`} aria-current={r === route ? "page" : undefined}>
                  {r.label}
                </a>
              </li>
            ))}
        </ul>
      </nav>
      <main id="main">
        {Screen ? <Screen key={`${route!.path}/${param}`} param={param} /> : <p>This account has no role the console knows.</p>}
      </main>
    </div>
  );
}
