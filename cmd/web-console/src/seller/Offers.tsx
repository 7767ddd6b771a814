// Seller: my offers, paged and filtered by state; new offers and changes arrive live
// from OfferService.WatchOffers (no reload), announced to screen readers; accept or
// decline as each offer's allowed_actions say.
import { useEffect, useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { TextPrompt } from "../components/TextPrompt";
import { useSession } from "../context";
import { label } from "../format";
import { replaceById, useAction, usePaged, useWatch } from "../hooks";
import { EventType, type Offer, type OfferEvent, OfferState } from "../sdk";
import { OfferCard } from "./OfferCard";

const STATES = [OfferState.PENDING, OfferState.ACCEPTED, OfferState.DECLINED, OfferState.EXPIRED,
  OfferState.WITHDRAWN, OfferState.SUPERSEDED];

export function Offers() {
  const { session } = useSession();
  const client = session.client;
  const [state, setState] = useState(OfferState.UNSPECIFIED);
  const [declining, setDeclining] = useState<Offer | undefined>(undefined);
  const [news, setNews] = useState("");
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const action = useAction();
  const paged = usePaged(async (pageToken) => {
    const r = await client.offers.listOffers({ pageToken, pageSize: 20, state });
    return { items: r.offers, nextPageToken: r.nextPageToken, extra: r.eventCursor };
  }, [state]);
  const [start, setStart] = useState("");
  useEffect(() => {
    if (!start && paged.extra) setStart(paged.extra);
  }, [paged.extra, start]);

  const onEvent = (event: OfferEvent) => {
    const offer = event.offer;
    if (!offer) return;
    const fits = state === OfferState.UNSPECIFIED || offer.state === state;
    paged.update((items) => {
      if (items.some((o) => o.id === offer.id)) return fits ? replaceById(offer)(items) : items.filter((o) => o.id !== offer.id);
      return fits && paged.pageNumber === 1 ? [offer, ...items] : items;
    });
    if (event.type === EventType.OFFER_CREATED) {
      setNews(`New offer: ${offer.jobTitle}`);
      setFresh((s) => new Set(s).add(offer.id));
    }
  };
  const liveError = useWatch((signal) => client.watchOffers({ resumeCursor: start, signal }), onEvent, start !== "", [start]);

  const act = async (call: () => Promise<Offer>) => {
    const offer = await action.run(call);
    if (offer) paged.update(replaceById(offer));
    return offer !== undefined;
  };

  return (
    <section>
      <h1 tabIndex={-1}>Offers</h1>
      <p class={news ? "live news" : "live"} aria-live="polite" data-testid="offer-news">
        {news || "New offers appear here as soon as an admin assigns you."}
      </p>
      <div class="filters" role="group" aria-label="Filter by state">
        <button type="button" aria-pressed={state === OfferState.UNSPECIFIED} onClick={() => setState(OfferState.UNSPECIFIED)}>All</button>
        {STATES.map((s) => (
          <button key={s} type="button" aria-pressed={state === s} onClick={() => setState(s)}>{label(OfferState, s)}</button>
        ))}
      </div>
      <ErrorNotice error={liveError} />
      {!declining && <ErrorNotice error={action.error} />}
      <ListStatus paged={paged} empty="No offers yet." />
      <ul class="cards" aria-label="Offers">
        {paged.items.map((o) => (
          <OfferCard key={o.id} offer={o} fresh={fresh.has(o.id)} busy={action.busy}
            onAccept={() => act(() => client.offers.acceptOffer({ id: o.id }))} onDecline={setDeclining} />
        ))}
      </ul>
      <Pager paged={paged} label="Offers" />
      {declining && (
        <TextPrompt title={`Decline “${declining.jobTitle}”`} label="Why" submitLabel="Decline offer"
          busy={action.busy} error={action.error}
          onSubmit={(reason) => act(() => client.offers.declineOffer({ id: declining.id, reason }))}
          onClose={() => { setDeclining(undefined); action.clearError(); }} />
      )}
    </section>
  );
}
