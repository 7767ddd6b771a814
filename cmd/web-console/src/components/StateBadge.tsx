// A resource state as a coloured badge with its name in words.
import { words } from "../format";

export function StateBadge({ name }: { readonly name: string | undefined }) {
  const key = (name ?? "unspecified").toLowerCase().replace(/_/g, "-");
  return <span class={`badge badge-${key}`}>{words(name)}</span>;
}
