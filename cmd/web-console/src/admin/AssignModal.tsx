// Admins: the assignment modal. Find sellers (SellerService.SearchSellers: text, skill,
// category, minimum rating, available only; by rating, name or availability; paged),
// preview one, select several across searches (sellers already offered the job, from
// OfferService.ListOffers, are marked and not selectable), add a note, assign them all in
// one AssignmentService.AssignSellers call, and see the outcome per seller.
import { useEffect, useState } from "preact/hooks";
import { Modal } from "../components/Modal";
import { useSession } from "../context";
import { useAction } from "../hooks";
import { type Assignment, type GigwireClient, type Job, OfferState, type SellerPreview } from "../sdk";
import { AssignResult } from "./AssignResult";
import { type SellerQuery, SellerSearch } from "./SellerSearch";
import { SellerPreviewPanel } from "./SellerPreviewPanel";

const TTL_HOURS = [24, 48, 72, 168];
/** At most this many offers of the job are read to mark sellers already offered it. */
const MAX_OFFER_PAGES = 5;

/** The sellers who already hold an offer for the job (the server refuses them), with its state. */
function useOffered(client: GigwireClient, jobId: string): ReadonlyMap<string, OfferState> {
  const [offered, setOffered] = useState<ReadonlyMap<string, OfferState>>(new Map());
  useEffect(() => {
    let live = true;
    (async () => {
      const found = new Map<string, OfferState>();
      let pageToken = "";
      for (let page = 0; page < MAX_OFFER_PAGES; page++) {
        const r = await client.offers.listOffers({ jobId, pageSize: 500, pageToken });
        for (const o of r.offers) found.set(o.sellerId, o.state);
        pageToken = r.nextPageToken;
        if (!pageToken) break;
      }
      if (live) setOffered(found);
    })().catch(() => undefined); // only a hint: AssignSellers says which sellers it refuses
    return () => {
      live = false;
    };
  }, [client, jobId]);
  return offered;
}

interface Props {
  readonly job: Job;
  readonly onClose: () => void;
}

export function AssignModal({ job, onClose }: Props) {
  const { session } = useSession();
  const [selected, setSelected] = useState<ReadonlyMap<string, SellerPreview>>(new Map());
  const [previewed, setPreviewed] = useState<SellerPreview | undefined>(undefined);
  const [note, setNote] = useState("");
  const [ttlHours, setTtlHours] = useState(48);
  const [assigned, setAssigned] = useState<Assignment[] | undefined>(undefined);
  const [query, setQuery] = useState<SellerQuery>({ text: "", skill: "", categoryId: "", minRatingMilli: 0, availableOnly: false, order: 1 });
  const action = useAction();
  const offered = useOffered(session.client, job.id);

  const toggle = (seller: SellerPreview) => {
    const next = new Map(selected);
    if (next.has(seller.userId)) next.delete(seller.userId);
    else next.set(seller.userId, seller);
    setSelected(next);
  };

  const assign = async () => {
    const response = await action.run(() =>
      session.client.assignments.assignSellers({
        jobId: job.id,
        sellerIds: [...selected.keys()],
        note: note.trim(),
        offerTtl: { seconds: BigInt(ttlHours * 3600), nanos: 0 },
      }),
    );
    if (response) setAssigned(response.assignments);
  };

  const sellers = [...selected.values()];
  // One dialog for both steps, so that focus goes back to the opener only when it closes.
  return (
    <Modal title={assigned ? `Assigned to “${job.title}”` : `Assign sellers to “${job.title}”`} onClose={onClose} size="wide">
      {assigned ? (
        <>
          <AssignResult sellers={sellers} assignments={assigned} error={undefined} />
          <div class="actions"><button type="button" class="primary" onClick={onClose}>Done</button></div>
        </>
      ) : (
        searchAndSelect()
      )}
    </Modal>
  );

  /** The first step: search, preview, select, note, assign (plain JSX, not a component: no remounts). */
  function searchAndSelect() {
    return (
      <>
      <div class="assign-grid">
        <SellerSearch query={query} onQuery={setQuery} selected={selected} onToggle={toggle} offered={offered}
          previewedId={previewed?.userId} onPreview={setPreviewed} />
        <div class="assign-side">
          {previewed ? (
            <SellerPreviewPanel seller={previewed} selected={selected.has(previewed.userId)} onToggle={() => toggle(previewed)}
              offered={offered.get(previewed.userId)} />
          ) : (
            <p class="muted">Choose “Preview” on a seller to see their rating, reviews, gigs and portfolio.</p>
          )}
        </div>
      </div>
      <section class="assign-footer" aria-label="Assignment">
        <h3>Selected ({sellers.length})</h3>
        {sellers.length === 0 ? <p class="muted">No seller selected yet.</p> : (
          <ul class="chips" aria-label="Selected sellers">
            {sellers.map((s) => (
              <li key={s.userId}>
                {s.displayName}
                <button type="button" aria-label={`Remove ${s.displayName}`} onClick={() => toggle(s)}>×</button>
              </li>
            ))}
          </ul>
        )}
        <div class="row">
          <label class="grow">
            <span>Note to the sellers <span class="muted">(optional)</span></span>
            <textarea rows={2} maxLength={1000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </label>
          <label>
            Offers open for
            <select value={ttlHours} onChange={(e) => setTtlHours(Number(e.currentTarget.value))}>
              {TTL_HOURS.map((h) => <option key={h} value={h}>{h < 72 ? `${h} hours` : `${h / 24} days`}</option>)}
            </select>
          </label>
        </div>
        {action.error && <AssignResult sellers={sellers} assignments={[]} error={action.error} />}
        <div class="actions">
          <button type="button" class="primary" disabled={sellers.length === 0 || action.busy} onClick={assign}>
            {action.busy ? "Assigning…" : `Assign ${sellers.length} seller${sellers.length === 1 ? "" : "s"}`}
          </button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </section>
      </>
    );
  }
}
