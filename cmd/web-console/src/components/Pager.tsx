// Previous / next buttons for a list paged with the API's page tokens.
import type { Paged } from "../hooks";

export function Pager<T, X>({ paged, label }: { readonly paged: Paged<T, X>; readonly label: string }) {
  if (!paged.hasPrev && !paged.hasNext) return null;
  return (
    <nav class="pager" aria-label={`${label} pages`}>
      <button type="button" onClick={paged.prev} disabled={!paged.hasPrev || paged.loading}>
        ← Previous
      </button>
      <span aria-live="polite">Page {paged.pageNumber}</span>
      <button type="button" onClick={paged.next} disabled={!paged.hasNext || paged.loading}>
        Next →
      </button>
    </nav>
  );
}
