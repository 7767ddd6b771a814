// "Message": opens the conversation with the other side of a job, offer, proposal or
// booking (ConversationService.OpenConversation returns the one that exists, or starts
// it) and goes to it. The server decides who may talk (NOT_CONNECTED, USER_BLOCKED are
// shown in words next to the button).
import { ErrorNotice } from "../components/ErrorNotice";
import { useSession } from "../context";
import { useAction } from "../hooks";

interface Props {
  /** The job; or give the booking. */
  readonly jobId?: string;
  readonly bookingId?: string;
  /** A buyer names the seller; a seller leaves it out. */
  readonly sellerId?: string;
  readonly label?: string;
}

export function MessageButton({ jobId = "", bookingId = "", sellerId = "", label = "Message" }: Props) {
  const { session } = useSession();
  const action = useAction();
  const open = async () => {
    const conversation = await action.run(() =>
      session.client.conversations.openConversation({ jobId: bookingId ? "" : jobId, bookingId, sellerId }),
    );
    if (conversation) window.location.hash = `#/conversation/${encodeURIComponent(conversation.id)}`;
  };
  return (
    <>
      <button type="button" disabled={action.busy} onClick={() => void open()}>{label}</button>
      {action.error && <div class="wide"><ErrorNotice error={action.error} /></div>}
    </>
  );
}
