// One message of a thread: who sent it and when, its text and files, "Seen" under the
// caller's newest message the other side has read. A hidden one: participants get it
// without text or files and see that an admin hid it; admins see its text marked hidden,
// with why and by whom.
import { FileList } from "../components/FileList";
import { UserName } from "../components/UserName";
import { dateTime } from "../format";
import type { Message } from "../sdk";

interface Props {
  readonly message: Message;
  readonly mine: boolean;
  readonly admin: boolean;
  /** The caller's newest message the other participant has read. */
  readonly seen: boolean;
  readonly canHide: boolean;
  readonly onHide: (m: Message) => void;
}

export function MessageItem({ message: m, mine, admin, seen, canHide, onHide }: Props) {
  const classes = ["message", mine ? "mine" : "theirs", m.hidden ? "hidden-message" : ""].filter(Boolean).join(" ");
  return (
    <li class={classes} data-message-id={m.id} data-seq={String(m.seq)}>
      <p class="message-meta">
        {mine ? "You" : <UserName id={m.senderId} />} <span class="muted">· {dateTime(m.createTime)}</span>
        {m.hidden && <> <strong class="badge badge-hidden">Hidden</strong></>}
      </p>
      {m.text && <p class="description message-text">{m.text}</p>}
      {m.hidden && !m.text && <p class="muted"><em>This message was hidden by an admin.</em></p>}
      {admin && m.hidden && (m.hiddenReason || m.hiddenBy) && (
        <p class="note">Hidden{m.hiddenBy && <> by <UserName id={m.hiddenBy} /></>}{m.hiddenReason && <>: {m.hiddenReason}</>}</p>
      )}
      <FileList files={m.attachments} label="Attachments" />
      {(seen || canHide) && (
        <p class="message-foot">
          {seen && <span class="seen" data-testid="seen">Seen</span>}
          {canHide && <button type="button" class="small" aria-label={`Hide message ${m.seq}`} onClick={() => onHide(m)}>Hide</button>}
        </p>
      )}
    </li>
  );
}
