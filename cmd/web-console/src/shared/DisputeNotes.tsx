// A dispute's notes, oldest first; internal ones (admins only ever get them) are marked.
import { UserName } from "../components/UserName";
import { dateTime } from "../format";
import type { DisputeNote } from "../sdk";

export function DisputeNotes({ notes }: { readonly notes: readonly DisputeNote[] }) {
  if (notes.length === 0) return <p class="empty">No notes yet.</p>;
  return (
    <ul class="notes" aria-label="Dispute notes">
      {notes.map((n) => (
        <li key={n.id} class={n.internal ? "internal" : undefined}>
          <p class="muted">
            {n.internal && <strong class="badge badge-internal">Internal</strong>} <UserName id={n.authorId} />, {dateTime(n.createTime)}
          </p>
          <p class="description">{n.text}</p>
        </li>
      ))}
    </ul>
  );
}
