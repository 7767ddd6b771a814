// The search half of the assignment modal: text, skill, category, minimum rating and
// availability filters, an order, and a paged result list where sellers are selected
// (checkboxes, kept across searches) or previewed.
import { useState } from "preact/hooks";
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { StateBadge } from "../components/StateBadge";
import { useSession } from "../context";
import { label, rating } from "../format";
import { useCategories, usePaged } from "../hooks";
import { Availability, OfferState, type SellerPreview, SellerOrder } from "../sdk";

/** What SearchSellers is asked. */
export interface SellerQuery {
  readonly text: string;
  readonly skill: string;
  readonly categoryId: string;
  readonly minRatingMilli: number;
  readonly availableOnly: boolean;
  readonly order: SellerOrder;
}

interface Props {
  readonly query: SellerQuery;
  readonly onQuery: (query: SellerQuery) => void;
  readonly selected: ReadonlyMap<string, SellerPreview>;
  readonly onToggle: (seller: SellerPreview) => void;
  /** Sellers already holding an offer for the job, and its state: not selectable. */
  readonly offered: ReadonlyMap<string, OfferState>;
  readonly previewedId: string | undefined;
  readonly onPreview: (seller: SellerPreview) => void;
}

export function SellerSearch({ query, onQuery, selected, onToggle, offered, previewedId, onPreview }: Props) {
  const { session } = useSession();
  const client = session.client;
  const categories = useCategories(client);
  const [text, setText] = useState(query.text);
  const [skill, setSkill] = useState(query.skill);
  const paged = usePaged(async (pageToken) => {
    const r = await client.sellers.searchSellers({
      text: query.text, skill: query.skill, categoryId: query.categoryId, minRatingMilli: query.minRatingMilli,
      availableOnly: query.availableOnly, orderBy: query.order, pageSize: 10, pageToken,
    });
    return { items: r.sellers, nextPageToken: r.nextPageToken };
  }, [query]);

  const search = (e: Event) => {
    e.preventDefault();
    onQuery({ ...query, text: text.trim(), skill: skill.trim() });
  };
  const change = (patch: Partial<SellerQuery>) => onQuery({ ...query, text: text.trim(), skill: skill.trim(), ...patch });

  return (
    <div class="assign-search">
      <form class="search-form" role="search" aria-label="Find sellers" onSubmit={search}>
        <label>
          Search sellers
          <input type="search" name="seller-text" value={text} onInput={(e) => setText(e.currentTarget.value)}
            placeholder="Name or skill" autofocus />
        </label>
        <label>
          Skill
          <input name="seller-skill" value={skill} onInput={(e) => setSkill(e.currentTarget.value)} placeholder="e.g. logo" />
        </label>
        <label>
          Category
          <select name="seller-category" value={query.categoryId} onChange={(e) => change({ categoryId: e.currentTarget.value })}>
            <option value="">Any category</option>
            {categories.map((c) => <option key={c.id} value={c.id}>{c.displayName}</option>)}
          </select>
        </label>
        <label>
          Rating
          <select name="seller-rating" value={query.minRatingMilli} onChange={(e) => change({ minRatingMilli: Number(e.currentTarget.value) })}>
            <option value={0}>Any rating</option>
            <option value={3000}>3 ★ and up</option>
            <option value={4000}>4 ★ and up</option>
            <option value={4500}>4.5 ★ and up</option>
          </select>
        </label>
        <label>
          Sort by
          <select name="seller-order" value={query.order} onChange={(e) => change({ order: Number(e.currentTarget.value) })}>
            <option value={SellerOrder.RATING}>Rating</option>
            <option value={SellerOrder.NAME}>Name</option>
            <option value={SellerOrder.AVAILABILITY}>Availability</option>
          </select>
        </label>
        <label class="inline">
          <input type="checkbox" name="seller-available" checked={query.availableOnly}
            onChange={(e) => change({ availableOnly: e.currentTarget.checked })} />
          Available only
        </label>
        <button type="submit">Search</button>
      </form>
      <ListStatus paged={paged} empty="No seller matches." />
      <ul class="seller-results" aria-label="Sellers found" aria-busy={paged.loading}>
        {paged.items.map((s) => (
          <li key={s.userId} class={previewedId === s.userId ? "seller-row previewed" : "seller-row"} data-seller-id={s.userId}>
            <label class="inline seller-pick">
              <input type="checkbox" checked={selected.has(s.userId)} onChange={() => onToggle(s)}
                aria-label={`Select ${s.displayName}`} disabled={offered.has(s.userId) && !selected.has(s.userId)} />
              <strong class="seller-name">{s.displayName}</strong>
            </label>
            {offered.has(s.userId) && <span class="muted">Already offered ({label(OfferState, offered.get(s.userId)!).toLowerCase()})</span>}
            <span class="muted">{rating(s.ratingMilli, s.ratingCount)}</span>
            <StateBadge name={Availability[s.availability === Availability.UNSPECIFIED ? Availability.AVAILABLE : s.availability]} />
            <span class="muted seller-skills">{s.skills.join(", ")}</span>
            <button type="button" aria-pressed={previewedId === s.userId} onClick={() => onPreview(s)}
              aria-label={`Preview ${s.displayName}`}>
              Preview
            </button>
          </li>
        ))}
      </ul>
      <Pager paged={paged} label="Sellers" />
    </div>
  );
}
