// A user's display name for an id (looked up once per page load).
import { useUserName } from "../hooks";

export function UserName({ id }: { readonly id: string }) {
  const name = useUserName(id);
  return <span class="user-name" title={id}>{name}</span>;
}
