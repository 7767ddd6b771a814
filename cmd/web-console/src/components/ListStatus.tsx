// What a list shows besides its items: loading, its error, or that it is empty.
import type { Paged } from "../hooks";
import { ErrorNotice } from "./ErrorNotice";

export function ListStatus<T, X>({ paged, empty }: { readonly paged: Paged<T, X>; readonly empty: string }) {
  if (paged.error) return <ErrorNotice error={paged.error} />;
  if (paged.loading && paged.items.length === 0) return <p class="muted" aria-live="polite">Loading…</p>;
  if (!paged.loading && paged.items.length === 0) return <p class="empty">{empty}</p>;
  return null;
}
