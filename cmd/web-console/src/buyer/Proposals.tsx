// Buyer: the proposals on an open project, ordered and filtered, with shortlist,
// decline and accept as each proposal's allowed_actions say.
import { useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { TextPrompt } from "../components/TextPrompt";
import { useSession } from "../context";
import { replaceById, useAction, usePaged } from "../hooks";
import { type Job, type Proposal, ProposalOrder, ProposalState } from "../sdk";
import { ProposalCard } from "./ProposalCard";

interface Props {
  readonly job: Job;
  readonly onJobChanged: (job: Job) => void;
}

export function Proposals({ job, onJobChanged }: Props) {
  const { session } = useSession();
  const client = session.client;
  const [order, setOrder] = useState(ProposalOrder.NEWEST);
  const [shortlistedOnly, setShortlistedOnly] = useState(false);
  const [declining, setDeclining] = useState<Proposal | undefined>(undefined);
  const action = useAction();
  const paged = usePaged(async (pageToken) => {
    const r = await client.proposals.listProposals({ jobId: job.id, pageToken, pageSize: 20, orderBy: order, shortlistedOnly });
    return { items: r.proposals, nextPageToken: r.nextPageToken, extra: r.totalSize };
  }, [job.id, order, shortlistedOnly]);

  const act = async (call: () => Promise<Proposal>) => {
    const p = await action.run(call);
    if (!p) return false;
    paged.update(replaceById(p));
    if (p.state === ProposalState.ACCEPTED) {
      paged.reload();
      client.jobs.getJob({ id: job.id }).then(onJobChanged, () => undefined);
    }
    return true;
  };

  return (
    <section>
      <h2>Proposals {paged.extra !== undefined && <span class="muted">({paged.extra})</span>}</h2>
      <div class="filters">
        <label>
          Order
          <select value={order} onChange={(e) => setOrder(Number(e.currentTarget.value))}>
            <option value={ProposalOrder.NEWEST}>Newest</option>
            <option value={ProposalOrder.PRICE}>Lowest price</option>
            <option value={ProposalOrder.SELLER_RATING}>Best-rated seller</option>
          </select>
        </label>
        <label class="inline">
          <input type="checkbox" checked={shortlistedOnly} onChange={(e) => setShortlistedOnly(e.currentTarget.checked)} />
          Shortlisted only
        </label>
      </div>
      {!declining && <ErrorNotice error={action.error} />}
      <ListStatus paged={paged} empty="No proposals yet." />
      <ul class="cards" aria-label="Proposals">
        {paged.items.map((p) => (
          <ProposalCard key={p.id} proposal={p} busy={action.busy} onDecline={setDeclining}
            onAccept={() => act(() => client.proposals.acceptProposal({ id: p.id }))}
            onShortlist={() => act(() => client.proposals.shortlistProposal({ id: p.id }))} />
        ))}
      </ul>
      <Pager paged={paged} label="Proposals" />
      {declining && (
        <TextPrompt title={`Decline ${declining.sellerDisplayName}'s proposal`} label="Why (shown to the seller)"
          submitLabel="Decline" busy={action.busy} error={action.error}
          onSubmit={(reason) => act(() => client.proposals.declineProposal({ id: declining.id, reason }))}
          onClose={() => { setDeclining(undefined); action.clearError(); }} />
      )}
    </section>
  );
}
