// The sign-in screen: email and password through AuthService.Login (client.login).
import { useState } from "preact/hooks";
import { ErrorNotice } from "./components/ErrorNotice";
import { type Explained, explain } from "./errors";
import { type Session, signIn } from "./session";

export function SignIn({ onSignedIn }: { readonly onSignedIn: (session: Session) => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | undefined>(undefined);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(email.trim(), password));
    } catch (err) {
      setError(explain(err));
      setBusy(false);
    }
  };

  return (
    <main class="signin" id="main">
      <h1>Gigwire console</h1>
      <p class="muted">Sign in as a buyer, a seller or an admin.</p>
      <form onSubmit={submit} class="stack card">
        <label>
          Email
          <input type="email" name="email" autocomplete="username" required value={email}
            onInput={(e) => setEmail(e.currentTarget.value)} autofocus />
        </label>
        <label>
          Password
          <input type="password" name="password" autocomplete="current-password" required value={password}
            onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <ErrorNotice error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
