// The outcome of an assignment per seller: the offer each one got, or, when the server
// refused the call (it is all or nothing), what it said about each seller.
import { ErrorNotice } from "../components/ErrorNotice";
import type { Explained } from "../errors";
import type { Assignment, SellerPreview } from "../sdk";

interface Props {
  readonly sellers: readonly SellerPreview[];
  readonly assignments: readonly Assignment[];
  readonly error: Explained | undefined;
}

export function AssignResult({ sellers, assignments, error }: Props) {
  const outcome = (seller: SellerPreview): { ok: boolean; text: string } => {
    const assignment = assignments.find((a) => a.sellerId === seller.userId);
    if (assignment) return { ok: true, text: `offer sent (${assignment.offerId})` };
    const said = error?.fields.find((f) => f.description.includes(seller.userId));
    if (said) return { ok: false, text: said.description.replace(seller.userId, "").trim() };
    return { ok: false, text: error ? "not assigned: the whole assignment was refused" : "not assigned" };
  };
  const named = sellers.length ? sellers : [];
  return (
    <div class="assign-result" role="status">
      {error && (
        <ErrorNotice error={error}
          headline={error.fields.length ? "Nothing was assigned: the server refused the sellers below." : undefined} />
      )}
      <ul class="results" aria-label="Result per seller">
        {named.map((s) => {
          const o = outcome(s);
          return (
            <li key={s.userId} class={o.ok ? "ok" : "failed"}>
              <span aria-hidden="true">{o.ok ? "✓" : "✗"}</span> <strong>{s.displayName}</strong>: {o.text}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
