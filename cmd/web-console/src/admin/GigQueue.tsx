// Admins: gigs waiting for approval (PENDING_REVIEW), paged; approve or reject with a
// reason, as each gig's allowed_actions say.
import { useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { StateBadge } from "../components/StateBadge";
import { TextPrompt } from "../components/TextPrompt";
import { UserName } from "../components/UserName";
import { useSession } from "../context";
import { money } from "../format";
import { categoryPath, replaceById, useAction, useCategories, usePaged } from "../hooks";
import { type Gig, GigState } from "../sdk";

export function GigQueue() {
  const { session } = useSession();
  const client = session.client;
  const categories = useCategories(client);
  const [rejecting, setRejecting] = useState<Gig | undefined>(undefined);
  const action = useAction();
  const paged = usePaged(async (pageToken) => {
    const r = await client.catalog.listGigs({ pageToken, pageSize: 20, state: GigState.PENDING_REVIEW });
    return { items: r.gigs, nextPageToken: r.nextPageToken };
  }, [session]);
  const done = (gig: Gig | undefined) => {
    if (gig) paged.update(replaceById(gig));
    return gig !== undefined;
  };

  return (
    <section>
      <h1 tabIndex={-1}>Gig approvals</h1>
      <div class="actions"><button type="button" onClick={paged.reload} disabled={paged.loading}>Refresh</button></div>
      {!rejecting && <ErrorNotice error={action.error} />}
      <ListStatus paged={paged} empty="No gig waits for approval." />
      <ul class="cards" aria-label="Gigs waiting for approval">
        {paged.items.map((g) => (
          <li key={g.id} class="card" data-gig-id={g.id}>
            <div class="summary-head">
              <h3 class="summary-title">{g.title}</h3>
              <StateBadge name={GigState[g.state]} />
            </div>
            <dl class="facts">
              <div><dt>Seller</dt><dd><UserName id={g.sellerId} /></dd></div>
              <div><dt>Category</dt><dd>{categoryPath(categories, g.categoryId)}</dd></div>
              <div><dt>Price</dt><dd>{money(g.price)}</dd></div>
              <div><dt>Delivery</dt><dd>{g.deliveryDays} days</dd></div>
            </dl>
            <p class="description">{g.description}</p>
            {g.rejectionReason && <p class="note">Rejected: {g.rejectionReason}</p>}
            <div class="actions">
              {g.allowedActions.includes("approve") && (
                <button type="button" class="primary" disabled={action.busy}
                  onClick={async () => done(await action.run(() => client.catalog.approveGig({ id: g.id })))}>Approve</button>
              )}
              {g.allowedActions.includes("reject") && (
                <button type="button" class="danger" onClick={() => setRejecting(g)}>Reject</button>
              )}
            </div>
          </li>
        ))}
      </ul>
      <Pager paged={paged} label="Gigs" />
      {rejecting && (
        <TextPrompt title={`Reject “${rejecting.title}”`} label="Reason (shown to the seller)" submitLabel="Reject gig" required
          busy={action.busy} error={action.error}
          onSubmit={async (reason) => done(await action.run(() => client.catalog.rejectGig({ id: rejecting.id, reason })))}
          onClose={() => { setRejecting(undefined); action.clearError(); }} />
      )}
    </section>
  );
}
