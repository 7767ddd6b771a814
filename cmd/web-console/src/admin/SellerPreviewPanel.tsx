// One seller in the assignment modal: rating, availability, bio, skills, recent reviews
// (ReviewService.ListReviews), sample gigs and portfolio (from SearchSellers' preview).
import { useEffect, useState } from "preact/hooks";
import { StateBadge } from "../components/StateBadge";
import { UserName } from "../components/UserName";
import { useSession } from "../context";
import { label, money, rating } from "../format";
import { Availability, OfferState, type Review, type SellerPreview } from "../sdk";

interface Props {
  readonly seller: SellerPreview;
  readonly selected: boolean;
  readonly onToggle: () => void;
  /** The state of the offer the seller already holds for the job, if any (not selectable then). */
  readonly offered: OfferState | undefined;
}

export function SellerPreviewPanel({ seller, selected, onToggle, offered }: Props) {
  const { session } = useSession();
  const [reviews, setReviews] = useState<Review[] | undefined>(undefined);
  useEffect(() => {
    setReviews(undefined);
    session.client.reviews.listReviews({ userId: seller.userId, pageSize: 3 }).then((r) => setReviews(r.reviews), () => setReviews([]));
  }, [seller.userId, session]);
  const availability = seller.availability === Availability.UNSPECIFIED ? Availability.AVAILABLE : seller.availability;

  return (
    <article class="preview" aria-label={`Preview of ${seller.displayName}`} data-testid="seller-preview">
      <div class="summary-head">
        <h3 class="summary-title">{seller.displayName}</h3>
        <StateBadge name={Availability[availability]} />
      </div>
      <p>{rating(seller.ratingMilli, seller.ratingCount)} · {seller.completedBookings} completed · {seller.gigCount} gig{seller.gigCount === 1 ? "" : "s"}</p>
      {seller.bio && <p class="description">{seller.bio}</p>}
      {seller.skills.length > 0 && <ul class="tags" aria-label="Skills">{seller.skills.map((s) => <li key={s}>{s}</li>)}</ul>}
      <h4>Recent reviews</h4>
      {reviews === undefined ? <p class="muted">Loading…</p> : reviews.length === 0 ? <p class="muted">No reviews yet.</p> : (
        <ul class="plain">
          {reviews.map((r) => (
            <li key={r.id}>{"★".repeat(r.rating)} {r.text} <span class="muted">— <UserName id={r.authorId} /></span></li>
          ))}
        </ul>
      )}
      <h4>Sample gigs</h4>
      {seller.sampleGigs.length === 0 ? <p class="muted">No approved gigs.</p> : (
        <ul class="plain">
          {seller.sampleGigs.map((g) => <li key={g.id}>{g.title} — {money(g.price)}, {g.deliveryDays} days</li>)}
        </ul>
      )}
      <h4>Portfolio</h4>
      {seller.portfolio.length === 0 ? <p class="muted">Nothing in the portfolio yet.</p> : (
        <ul class="plain">
          {seller.portfolio.map((p) => (
            <li key={p.id}>
              {p.linkUrl ? <a href={p.linkUrl} target="_blank" rel="noopener noreferrer">{p.title}</a> : p.title}
              {p.description && <span class="muted"> — {p.description}</span>}
            </li>
          ))}
        </ul>
      )}
      {offered !== undefined && !selected ? (
        <p class="note">Already offered this job ({label(OfferState, offered).toLowerCase()}).</p>
      ) : (
        <button type="button" class={selected ? undefined : "primary"} onClick={onToggle}>
          {selected ? `Remove ${seller.displayName} from the selection` : `Select ${seller.displayName}`}
        </button>
      )}
    </article>
  );
}
