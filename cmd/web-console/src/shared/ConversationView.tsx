// One conversation, live: its messages oldest first (older pages on demand), each with its
// files to download; what the other side sends, reads ("Seen") and what an admin hides
// arrives through the SDK's conversation watch without a reload. The caller writes (text,
// files uploaded as they are picked) when its allowed_actions say "send", and the thread is
// marked read while it is on screen. Admins see hidden messages marked with why, hide one
// with a reason, and join to write. A hidden message reaches participants without its text
// or files, in reads and events alike; the view never keeps what the server withdrew.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { TextPrompt } from "../components/TextPrompt";
import { UserName } from "../components/UserName";
import { useSession } from "../context";
import { type Explained, explain } from "../errors";
import { useAction, useWatch } from "../hooks";
import { type Conversation, type Event, type Message, Role } from "../sdk";
import { Composer } from "./Composer";
import { MessageItem } from "./MessageItem";

/** `list` with `m` in place of the message with its id (or added), ordered by seq. */
export function mergeMessages(list: readonly Message[], incoming: readonly Message[], admin: boolean): Message[] {
  const byId = new Map(list.map((m) => [m.id, m]));
  for (const m of incoming) {
    const known = byId.get(m.id);
    // Events carry a hidden message stripped for everyone; an admin keeps what it saw.
    const keep = admin && known && m.hidden && !m.text && known.text;
    byId.set(m.id, keep ? { ...known, hidden: true, hideTime: m.hideTime } : m);
  }
  return [...byId.values()].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
}

export function ConversationView({ param }: { readonly param: string }) {
  const { session } = useSession();
  const client = session.client;
  const me = session.user.id;
  const admin = session.user.roles.includes(Role.ADMIN);
  const [conversation, setConversation] = useState<Conversation | undefined>(undefined);
  const [messages, setMessages] = useState<Message[]>([]);
  const [hasOlder, setHasOlder] = useState(false);
  const [loadError, setLoadError] = useState<Explained | undefined>(undefined);
  const [news, setNews] = useState("");
  const [hiding, setHiding] = useState<Message | undefined>(undefined);
  const action = useAction();
  const visible = usePageVisible();

  const merge = useCallback((incoming: readonly Message[]) => setMessages((list) => mergeMessages(list, incoming, admin)), [admin]);
  const load = useCallback(async () => {
    try {
      const [c, page] = await Promise.all([
        client.conversations.getConversation({ id: param }),
        client.conversations.listMessages({ conversationId: param }),
      ]);
      setConversation(c);
      setMessages((list) => {
        if (list.length === 0 || (page.messages[0] && page.messages[0].seq <= list[0]!.seq)) setHasOlder(page.hasOlder);
        return mergeMessages(list, page.messages, admin);
      });
      setLoadError(undefined);
    } catch (e) {
      setLoadError(explain(e));
    }
  }, [client, param, admin]);
  useEffect(() => void load(), [load]);

  const onEvent = (event: Event) => {
    const r = event.resource;
    if (r.case === "message") {
      merge([r.value]);
      const from = r.value.senderId;
      if (from !== me && !r.value.hidden) {
        setNews(`New message from ${from === conversation?.buyerId ? "the buyer" : from === conversation?.sellerId ? "the seller" : "an admin"}.`);
      }
    } else if (r.case === "readReceipt") {
      const receipt = r.value;
      setConversation((c) => c && withReadMark(c, receipt.userId, receipt.lastReadSeq));
    } else if (r.case === "conversation") {
      setConversation((c) => (c ? { ...r.value, unreadCount: c.unreadCount } : r.value));
    }
  };
  const liveError = useWatch(
    (signal) => {
      let first = true;
      // A message sent between the first read and the watch's start: read again once.
      const onHeartbeat = () => {
        if (first) void load();
        first = false;
      };
      return client.watchConversation(param, { signal, onHeartbeat });
    },
    onEvent,
    true,
    [client, param],
  );

  useMarkRead(conversation, messages, visible && !admin, setConversation);

  const loadOlder = async () => {
    const page = await action.run(() => client.conversations.listMessages({ conversationId: param, beforeMessageId: messages[0]?.id ?? "" }));
    if (page) {
      merge(page.messages);
      setHasOlder(page.hasOlder);
    }
  };
  const join = async () => {
    const c = await action.run(() => client.conversations.joinConversation({ id: param }));
    if (c) setConversation(c);
  };
  const hide = async (reason: string) => {
    const m = await action.run(() => client.conversations.hideMessage({ id: hiding!.id, reason }));
    if (m) setMessages((list) => list.map((x) => (x.id === m.id ? m : x)));
    return m !== undefined;
  };

  const c = conversation;
  const otherRead = c && (c.buyerId === me ? c.sellerLastReadSeq : c.sellerId === me ? c.buyerLastReadSeq : 0n);
  const lastSeen = otherRead ? [...messages].reverse().find((m) => m.senderId === me && m.seq <= otherRead) : undefined;
  return (
    <section class="conversation-view">
      <p><a href="#/messages">← Messages</a></p>
      <h1 tabIndex={-1}>{c?.title || "Conversation"}</h1>
      <ErrorNotice error={loadError} />
      <ErrorNotice error={liveError} />
      {c && <ConversationHeader conversation={c} admin={admin} />}
      <p class="sr-only" aria-live="polite" data-testid="message-news">{news}</p>
      {!hiding && <ErrorNotice error={action.error} />}
      {c && (
        <>
          {hasOlder && <button type="button" disabled={action.busy} onClick={() => void loadOlder()}>Load older messages</button>}
          {messages.length === 0 && <p class="empty">No messages yet. Say hello.</p>}
          <ol class="thread" aria-label="Messages">
            {messages.map((m) => (
              <MessageItem key={m.id} message={m} mine={m.senderId === me} admin={admin} seen={m === lastSeen}
                canHide={c.allowedActions.includes("hide") && !m.hidden} onHide={setHiding} />
            ))}
          </ol>
          {c.allowedActions.includes("join") && (
            <p><button type="button" disabled={action.busy} onClick={() => void join()}>Join conversation</button>
              <span class="muted"> Both parties will see that you joined; then you can write.</span></p>
          )}
          {c.allowedActions.includes("send")
            ? <Composer conversationId={c.id} onSent={(m) => merge([m])} />
            : c.blocked && <p class="note">One of you blocked the other, so no messages can be sent here.</p>}
        </>
      )}
      {hiding && (
        <TextPrompt title="Hide message" label="Why (admins and the audit log see it; 1 to 500 characters)"
          submitLabel="Hide message" required busy={action.busy} error={action.error} onSubmit={hide}
          onClose={() => { setHiding(undefined); action.clearError(); }} />
      )}
    </section>
  );
}

function ConversationHeader({ conversation: c, admin }: { readonly conversation: Conversation; readonly admin: boolean }) {
  return (
    <div class="card">
      <dl class="facts">
        <div><dt>Buyer</dt><dd><UserName id={c.buyerId} /></dd></div>
        <div><dt>Seller</dt><dd><UserName id={c.sellerId} /></dd></div>
        {c.adminIds.length > 0 && (
          <div><dt>Admins who joined</dt><dd>{c.adminIds.map((id, i) => <span key={id}>{i > 0 && ", "}<UserName id={id} /></span>)}</dd></div>
        )}
        {admin && <div><dt>Read up to</dt><dd>buyer #{String(c.buyerLastReadSeq)}, seller #{String(c.sellerLastReadSeq)}</dd></div>}
      </dl>
      {c.bookingId && <p><a href={`#/booking/${encodeURIComponent(c.bookingId)}`}>The booking</a></p>}
    </div>
  );
}

/** The conversation with `userId`'s read mark moved to `seq` (never back). */
function withReadMark(c: Conversation, userId: string, seq: bigint): Conversation {
  if (userId === c.buyerId && seq > c.buyerLastReadSeq) return { ...c, buyerLastReadSeq: seq };
  if (userId === c.sellerId && seq > c.sellerLastReadSeq) return { ...c, sellerLastReadSeq: seq };
  return c;
}

/** Whether the page is on screen (document.visibilityState), kept current. */
function usePageVisible(): boolean {
  const [visible, setVisible] = useState(document.visibilityState === "visible");
  useEffect(() => {
    const onChange = () => setVisible(document.visibilityState === "visible");
    document.addEventListener("visibilitychange", onChange);
    return () => document.removeEventListener("visibilitychange", onChange);
  }, []);
  return visible;
}

/**
 * Marks the conversation read (MarkRead, up to the newest message) while it is shown and
 * a message from the other side is past the caller's read mark; one call at a time.
 */
function useMarkRead(
  c: Conversation | undefined,
  messages: readonly Message[],
  active: boolean,
  setConversation: (update: (c: Conversation | undefined) => Conversation | undefined) => void,
) {
  const { session } = useSession();
  const me = session.user.id;
  const pending = useRef(false);
  const [round, setRound] = useState(0);
  const myRead = c ? (c.buyerId === me ? c.buyerLastReadSeq : c.sellerLastReadSeq) : 0n;
  const newest = [...messages].reverse().find((m) => m.senderId !== me);
  const behind = !!c && !!newest && newest.seq > myRead && c.allowedActions.includes("mark_read");
  useEffect(() => {
    if (!active || !behind || pending.current || !c) return;
    pending.current = true;
    session.client.conversations.markRead({ conversationId: c.id }).then(
      (receipt) => setConversation((x) => x && withReadMark(x, receipt.userId, receipt.lastReadSeq)),
      () => undefined, // tried again on the next change
    ).finally(() => {
      pending.current = false;
      setRound((n) => n + 1); // look again: more may have arrived meanwhile
    });
  }, [active, behind, newest?.seq, round]); // eslint-disable-line react-hooks/exhaustive-deps
}
