// Buyers and sellers: the reviews they received and their rating, paged. (Writing a
// review starts from a completed booking in My bookings.)
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { UserName } from "../components/UserName";
import { useSession } from "../context";
import { date, rating } from "../format";
import { usePaged } from "../hooks";

export function MyReviews() {
  const { session } = useSession();
  const paged = usePaged(async (pageToken) => {
    const r = await session.client.reviews.listReviews({ userId: session.user.id, pageToken, pageSize: 20 });
    return { items: r.reviews, nextPageToken: r.nextPageToken, extra: { milli: r.ratingMilli, count: r.ratingCount } };
  }, [session]);
  return (
    <section>
      <h1 tabIndex={-1}>Reviews</h1>
      {paged.extra && <p class="lead">Your rating: {rating(paged.extra.milli, paged.extra.count)}</p>}
      <p class="muted">To review someone, open a completed booking in <a href="#/bookings">My bookings</a>.</p>
      <ListStatus paged={paged} empty="No reviews yet." />
      <ul class="cards" aria-label="Reviews">
        {paged.items.map((r) => (
          <li key={r.id} class="card">
            <strong>{"★".repeat(r.rating)}{"☆".repeat(5 - r.rating)}</strong>
            <span class="muted"> by <UserName id={r.authorId} />, {date(r.createTime)}</span>
            {r.text && <p>{r.text}</p>}
          </li>
        ))}
      </ul>
      <Pager paged={paged} label="Reviews" />
    </section>
  );
}
