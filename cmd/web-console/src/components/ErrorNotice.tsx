// Shows a failed call: the reason as a sentence, the server's message and invalid fields.
import { useContext } from "preact/hooks";
import { SessionContext } from "../context";
import type { Explained } from "../errors";

interface Props {
  readonly error: Explained | undefined;
  /** A sentence for this context instead of the reason's general one. */
  readonly headline?: string;
}

export function ErrorNotice({ error, headline }: Props) {
  const context = useContext(SessionContext);
  if (!error) return null;
  return (
    <div class="error" role="alert">
      <p class="error-sentence">{headline ?? error.sentence}</p>
      {error.fields.length > 0 && (
        <ul class="error-fields">
          {error.fields.map((f) => (
            <li key={f.field + f.description}>
              <code>{f.field}</code>: {f.description}
            </li>
          ))}
        </ul>
      )}
      {error.detail && (
        <p class="error-detail">
          Server: {error.detail}
          {error.reason && <span class="error-reason"> ({error.reason})</span>}
        </p>
      )}
      {error.signedOut && context && (
        <button type="button" onClick={context.signOut}>
          Sign in again
        </button>
      )}
    </div>
  );
}
