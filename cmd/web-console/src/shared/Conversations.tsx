// My conversations, newest activity first: who with, about what, the last message (a
// hidden one as such), and how many messages I have not read; kept current live (new
// messages, read receipts, new conversations). Admins see the ones they joined, or any
// user's (support), found by email or id.
import { useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { UserName } from "../components/UserName";
import { useSession } from "../context";
import { type Explained, explain } from "../errors";
import { dateTime } from "../format";
import { useLiveReload, usePaged } from "../hooks";
import { type Conversation, EventType, Role } from "../sdk";

export const CONVERSATION_EVENTS = [
  EventType.CONVERSATION_STARTED, EventType.CONVERSATION_JOINED, EventType.MESSAGE_SENT,
  EventType.MESSAGES_READ, EventType.MESSAGE_HIDDEN,
];

export function Conversations() {
  const { session } = useSession();
  const client = session.client;
  const admin = session.user.roles.includes(Role.ADMIN);
  const [userId, setUserId] = useState("");
  const paged = usePaged(async (pageToken) => {
    const r = await client.conversations.listConversations({ pageToken, pageSize: 20, userId });
    return { items: r.conversations, nextPageToken: r.nextPageToken };
  }, [userId]);
  const liveError = useLiveReload(client, CONVERSATION_EVENTS, paged.reload);
  return (
    <section>
      <h1 tabIndex={-1}>Messages</h1>
      {admin && <UserFilter onChange={setUserId} />}
      <ErrorNotice error={liveError} />
      <ListStatus paged={paged} empty={userId ? "This user has no conversations." : "No conversations yet."} />
      <ul class="cards" aria-label="Conversations">
        {paged.items.map((c) => <ConversationRow key={c.id} conversation={c} admin={admin} />)}
      </ul>
      <Pager paged={paged} label="Conversations" />
    </section>
  );
}

function ConversationRow({ conversation: c, admin }: { readonly conversation: Conversation; readonly admin: boolean }) {
  const { session } = useSession();
  const me = session.user.id;
  const unread = Number(c.unreadCount);
  const last = c.lastMessage;
  const others = [c.buyerId, c.sellerId].filter((id) => admin || id !== me);
  return (
    <li class={unread > 0 ? "card conversation unread" : "card conversation"} data-conversation-id={c.id}>
      <div class="summary-head">
        <h2 class="summary-title">
          <a href={`#/conversation/${encodeURIComponent(c.id)}`}>{c.title || "Conversation"}</a>
        </h2>
        {unread > 0 && <span class="badge badge-unread">{unread} unread</span>}
      </div>
      <p class="muted">
        With {others.map((id, i) => <span key={id}>{i > 0 && " and "}<UserName id={id} /></span>)}
        {c.adminIds.length > 0 && " · an admin joined"} · {dateTime(c.lastActivityTime)}
      </p>
      {last && (
        <p class="last-message">
          {last.hidden && !last.text ? <em>A message was hidden by an admin.</em> : <>
            {last.hidden && <><strong class="badge badge-hidden">Hidden</strong> </>}
            {last.senderId === me ? "You: " : <><UserName id={last.senderId} />: </>}
            {last.text || `${last.attachments.length} file${last.attachments.length === 1 ? "" : "s"}`}
          </>}
        </p>
      )}
    </li>
  );
}

/** Admins: whose conversations to list (an email or a user id); empty: the ones I joined. */
function UserFilter({ onChange }: { readonly onChange: (userId: string) => void }) {
  const { session } = useSession();
  const [text, setText] = useState("");
  const [error, setError] = useState<Explained | undefined>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    const value = text.trim();
    if (!value.includes("@")) return onChange(value);
    try {
      const found = await session.client.users.listUsers({ email: value });
      if (found.users.length === 0) setError({ sentence: `No account has the email ${value}.`, detail: "", reason: "", fields: [], signedOut: false });
      else onChange(found.users[0]!.id);
    } catch (err) {
      setError(explain(err));
    }
  };
  return (
    <form class="filters" onSubmit={submit} role="search">
      <label>
        A user's conversations (email or id; empty: the ones you joined)
        <input name="user" value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <button type="submit">Show</button>
      <ErrorNotice error={error} />
    </form>
  );
}
