// Reviewing the other side of a completed booking: a rating from 1 to 5 and a text.
import { useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { Modal } from "../components/Modal";
import { UserName } from "../components/UserName";
import { useSession } from "../context";
import { useAction } from "../hooks";
import type { Booking } from "../sdk";

interface Props {
  readonly booking: Booking;
  readonly onClose: () => void;
  readonly onReviewed: () => void;
}

export function ReviewModal({ booking, onClose, onReviewed }: Props) {
  const { session } = useSession();
  const [ratingValue, setRating] = useState(5);
  const [text, setText] = useState("");
  const action = useAction();
  const subject = booking.buyerId === session.user.id ? booking.sellerId : booking.buyerId;
  const submit = async (e: Event) => {
    e.preventDefault();
    const review = await action.run(() =>
      session.client.reviews.createReview({ review: { bookingId: booking.id, rating: ratingValue, text: text.trim() } }),
    );
    if (review) {
      onReviewed();
      onClose();
    }
  };
  return (
    <Modal title={`Review: ${booking.jobTitle}`} onClose={onClose}>
      <form class="stack" onSubmit={submit}>
        <p>How was working with <UserName id={subject} />?</p>
        <fieldset class="stars">
          <legend>Rating</legend>
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} class="inline">
              <input type="radio" name="rating" value={n} checked={ratingValue === n} onChange={() => setRating(n)} />
              {n} ★
            </label>
          ))}
        </fieldset>
        <label>
          <span>Review <span class="muted">(optional)</span></span>
          <textarea rows={3} maxLength={2000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        <ErrorNotice error={action.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={action.busy}>Publish review</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Modal>
  );
}
