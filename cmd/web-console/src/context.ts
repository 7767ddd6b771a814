// The signed-in session, shared with every screen through a Preact context.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Session } from "./session";

/** What screens get: the session and a way to drop it (e.g. when the login expired). */
export interface SessionContextValue {
  readonly session: Session;
  readonly signOut: () => void;
}

export const SessionContext = createContext<SessionContextValue | undefined>(undefined);

/** The current session; screens render only inside a signed-in shell. */
export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside a signed-in shell");
  return value;
}
