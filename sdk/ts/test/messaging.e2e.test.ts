// End-to-end test of messaging and files through the TypeScript SDK against a
// real `gigwired` (issue 16): a buyer and a seller with an offer between them
// exchange messages while the seller watches its conversation
// (client.watchConversation) through a proxy that cuts every connection after
// each round: both watches hold every message exactly once and in order, and
// each other's read receipts; then the seller uploads a 10 MiB file through the
// proxy (cut mid-upload, resumed where the server stands), delivers the booking
// with it, and the buyer downloads it through the proxy (cut twice mid-download,
// resumed from the bytes written) byte-identical; the browsers' way of
// uploading (unary UploadChunk calls) resumes through a cut as well.
//
// Skipped when the binary is missing unless GIGWIRE_E2E=require;
// GIGWIRE_E2E_LOG=1 prints the server's output.
import assert from "node:assert/strict";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  BookingState,
  type Event,
  EventType,
  FileAttachmentKind,
  type GigwireClient,
  type Job,
  Role,
  createClient,
} from "../src/index.js";
import { expectError } from "./assertions.js";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  type Gigwired,
  RELAXED_AUTH_LIMITS,
  USER_PASSWORD,
  createAdmin,
  e2eSkipReason,
  makeServerDir,
  startGigwired,
} from "./gigwired.js";
import { CuttingProxy } from "./tcp-proxy.js";

const FLAGS = [...RELAXED_AUTH_LIMITS, "--rate-principal-per-second", "100000", "--rate-principal-burst", "100000"];
const MIB = 1 << 20;
const ROUNDS = 3;
const PER_ROUND = 3; // messages per side and round (SendMessage allows a burst of 20)
const DEADLINE_MS = 20_000;

const skip = e2eSkipReason();

interface Account {
  readonly id: string;
  readonly token: string;
  readonly client: GigwireClient;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/** A watch drained in the background. */
class Collected {
  readonly events: Event[] = [];
  failure: unknown;
  readonly done: Promise<void>;

  constructor(watch: AsyncIterable<Event>) {
    this.done = (async () => {
      try {
        for await (const event of watch) this.events.push(event);
      } catch (e) {
        this.failure = e;
      }
    })();
  }

  /** Waits until `holds(events)` or the deadline; fails with what was seen. */
  async until(holds: (events: Event[]) => boolean, what: string): Promise<void> {
    const deadline = Date.now() + DEADLINE_MS;
    while (!holds(this.events)) {
      assert.equal(this.failure, undefined, `the watch failed: ${String(this.failure)}`);
      assert.ok(Date.now() < deadline, `no ${what} within ${DEADLINE_MS} ms: ${this.events.length} events`);
      await sleep(20);
    }
  }
}

/** [seq, sender, text] of every MESSAGE_SENT event, in the order received. */
const sentMessages = (events: Event[]) =>
  events.flatMap((e) =>
    e.type === EventType.MESSAGE_SENT && e.resource.case === "message"
      ? [[Number(e.resource.value.seq), e.resource.value.senderId, e.resource.value.text] as const]
      : [],
  );

/** The last_read_seq of every MESSAGES_READ event by `reader`. */
const receipts = (events: Event[], reader: string) =>
  events.flatMap((e) =>
    e.type === EventType.MESSAGES_READ && e.resource.case === "readReceipt" && e.resource.value.userId === reader
      ? [Number(e.resource.value.lastReadSeq)]
      : [],
  );

/** An on-progress callback cutting every proxied connection as the transfer passes each mark. */
function cutAt(proxy: CuttingProxy, ...marks: number[]) {
  const pending = [...marks].sort((a, b) => a - b);
  let reset = true; // alternately a reset and a plain close
  const seen: number[] = [];
  const state = { cuts: 0, seen };
  return {
    state,
    onProgress: (done: number) => {
      seen.push(done);
      while (pending.length > 0 && done >= pending[0]!) {
        pending.shift();
        if (proxy.cutAll(reset) > 0) state.cuts++;
        reset = !reset;
      }
    },
  };
}

describe("messaging and files end to end", { skip }, () => {
  let server: Gigwired;
  let anon: GigwireClient;
  let admin: GigwireClient;
  let categoryId: string;
  let dir: string;

  before(async () => {
    const serverDir = makeServerDir();
    createAdmin(serverDir, ADMIN_EMAIL, ADMIN_PASSWORD);
    server = await startGigwired(serverDir, FLAGS);
    anon = createClient({ baseUrl: server.address });
    const tokens = await anon.auth.login({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    admin = anon.withCredentials({ token: tokens.accessToken });
    const slug = `logo-${randomUUID().slice(0, 8)}`;
    categoryId = (await admin.catalog.createCategory({ category: { slug, displayName: "Logo design" } })).id;
    dir = await mkdtemp(join(tmpdir(), "gigwire-messaging-"));
  });

  after(async () => {
    anon?.close();
    if (process.env["GIGWIRE_E2E_LOG"]) console.error(`gigwired log:\n${server?.log()}`);
    server?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function register(prefix: string, role: Role): Promise<Account> {
    const email = `${prefix}-${randomUUID().slice(0, 12)}@example.com`;
    const user = await anon.auth.register({ email, password: USER_PASSWORD, displayName: prefix, roles: [role] });
    const tokens = await anon.auth.login({ email, password: USER_PASSWORD });
    return { id: user.id, token: tokens.accessToken, client: anon.withCredentials({ token: tokens.accessToken }) };
  }

  /** A buyer's open job with a seller assigned to it (so the two may talk). */
  async function offeredPair(): Promise<{ buyer: Account; seller: Account; job: Job; offerId: string }> {
    const buyer = await register("buyer", Role.BUYER);
    const seller = await register("seller", Role.SELLER);
    const posted = await buyer.client.jobs.createJob({
      job: {
        title: "Logo for a bakery",
        description: "A round logo, warm colours.",
        categoryId,
        skills: ["logo"],
        budget: { min: { currencyCode: "USD", amountMinor: 20_000n }, max: { currencyCode: "USD", amountMinor: 50_000n } },
        dueTime: timestampFromDate(new Date(Date.now() + 7 * 86_400_000)),
      },
    });
    const job = await admin.jobs.approveJob({ id: posted.id });
    const assigned = await admin.assignments.assignSellers({ jobId: job.id, sellerIds: [seller.id] });
    return { buyer, seller, job, offerId: assigned.assignments[0]!.offerId };
  }

  it("delivers every message once and in order to both sides through cuts, with read receipts", async () => {
    const { buyer, seller, job } = await offeredPair();
    const conversation = await buyer.client.conversations.openConversation({ jobId: job.id, sellerId: seller.id });
    assert.match(conversation.id, /^cnv_./);
    const sellerStart = (await seller.client.offers.listOffers({})).eventCursor;
    const buyerStart = (await buyer.client.jobs.listJobs({})).eventCursor;
    const proxy = await CuttingProxy.start(server.address);
    const proxied = createClient({ baseUrl: proxy.address, token: seller.token });
    const stop = new AbortController();
    const watchOptions = { signal: stop.signal, maxBackoffMs: 300 };
    const sellerWatch = proxied.watchConversation(conversation.id, { ...watchOptions, resumeCursor: sellerStart });
    const sellerSeen = new Collected(sellerWatch);
    const buyerSeen = new Collected(buyer.client.watchConversation(conversation.id, { ...watchOptions, resumeCursor: buyerStart }));
    const sent: (readonly [number, string, string])[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < PER_ROUND; i++) {
          for (const [account, name] of [[buyer, "buyer"], [seller, "seller"]] as const) {
            const text = `${name} says ${round}.${i} ✓`;
            const message = await account.client.conversations.sendMessage({ conversationId: conversation.id, text });
            assert.deepEqual([Number(message.seq), message.senderId, message.text], [sent.length + 1, account.id, text]);
            sent.push([Number(message.seq), account.id, text]);
          }
        }
        // The proxied watch caught up (its stream was up), then every connection is cut.
        await sellerSeen.until((events) => sentMessages(events).length >= sent.length, `round ${round}`);
        proxy.cutAll(round % 2 === 0); // a reset, then a plain close, ...
      }
      const unread = await seller.client.conversations.getConversation({ id: conversation.id });
      assert.equal(Number(unread.unreadCount), ROUNDS * PER_ROUND);
      const buyerRead = await buyer.client.conversations.markRead({ conversationId: conversation.id });
      const sellerRead = await seller.client.conversations.markRead({ conversationId: conversation.id });
      assert.deepEqual([buyerRead.userId, Number(buyerRead.lastReadSeq)], [buyer.id, sent.length]);
      assert.deepEqual([sellerRead.userId, Number(sellerRead.lastReadSeq)], [seller.id, sent.length]);
      await sellerSeen.until((events) => receipts(events, buyer.id).length > 0, "buyer's receipt");
      await buyerSeen.until((events) => receipts(events, seller.id).length > 0, "seller's receipt");
      await buyerSeen.until((events) => sentMessages(events).length >= sent.length, "the buyer's messages");
    } finally {
      stop.abort();
      await Promise.all([sellerSeen.done, buyerSeen.done]);
      proxied.close();
      await proxy.close();
    }
    for (const seen of [sellerSeen, buyerSeen]) {
      assert.equal(seen.failure, undefined);
      assert.deepEqual(sentMessages(seen.events), sent); // every message once, in order
      const cursors = seen.events.map((e) => BigInt(e.cursor));
      assert.deepEqual(cursors, [...new Set(cursors)].sort((a, b) => (a < b ? -1 : 1)));
    }
    assert.ok(sellerWatch.connects >= ROUNDS + 1, `${sellerWatch.connects} connects`);
    assert.deepEqual(receipts(sellerSeen.events, buyer.id), [sent.length]);
    assert.deepEqual(receipts(buyerSeen.events, seller.id), [sent.length]);
    const read = await buyer.client.conversations.getConversation({ id: conversation.id });
    assert.deepEqual(
      [Number(read.buyerLastReadSeq), Number(read.sellerLastReadSeq), Number(read.unreadCount)],
      [sent.length, sent.length, 0],
    );
    const history = [];
    for await (const m of seller.client.iterateMessages(conversation.id, { pageSize: 4 })) {
      history.push([Number(m.seq), m.senderId, m.text] as const);
    }
    assert.deepEqual(history, sent);
  });

  it("uploads and downloads a 10 MiB delivery byte-identical through cuts", async () => {
    const { buyer, seller, offerId } = await offeredPair();
    const { bookingId } = await seller.client.offers.acceptOffer({ id: offerId });
    const content = new Uint8Array(10 * MIB);
    content.set(new TextEncoder().encode("%PDF-1.7\n"));
    content.set(randomBytes(10 * MIB - 9), 9);
    const proxy = await CuttingProxy.start(server.address);
    const sellerProxied = createClient({ baseUrl: proxy.address, token: seller.token });
    const buyerProxied = createClient({ baseUrl: proxy.address, token: buyer.token });
    const target = join(dir, "final-logo.pdf");
    let fileId = "";
    try {
      const upload = cutAt(proxy, 4 * MIB);
      const file = await sellerProxied.uploadFile(content, { name: "final-logo.pdf", onProgress: upload.onProgress });
      fileId = file.id;
      assert.equal(upload.state.cuts, 1);
      assert.ok(proxy.accepted >= 2, `${proxy.accepted} connections: the upload did not resume`);
      assert.deepEqual(
        [file.name, Number(file.sizeBytes), file.contentType, file.sha256, file.ownerId],
        ["final-logo.pdf", content.length, "application/pdf", sha256(content), seller.id],
      );
      const delivered = await seller.client.bookings.deliverBooking({
        id: bookingId,
        note: "Final files attached.",
        attachmentIds: [file.id],
      });
      assert.equal(delivered.state, BookingState.DELIVERED);
      const listed = await buyer.client.files.listFiles({ attachedKind: FileAttachmentKind.DELIVERY, attachedToId: bookingId });
      assert.deepEqual(listed.files.map((f) => f.id), [file.id]);

      const acceptedBefore = proxy.accepted;
      const download = cutAt(proxy, 3 * MIB, 7 * MIB);
      const info = await buyerProxied.downloadFile(file.id, target, { onProgress: download.onProgress });
      assert.equal(download.state.cuts, 2);
      assert.ok(proxy.accepted >= acceptedBefore + 2, `${proxy.accepted - acceptedBefore} new connections`);
      assert.equal(info.attachedKind, FileAttachmentKind.DELIVERY);
      const seen = download.state.seen;
      assert.deepEqual(seen, [...seen].sort((a, b) => a - b)); // resumed, never restarted
    } finally {
      sellerProxied.close();
      buyerProxied.close();
      await proxy.close();
    }
    const written = new Uint8Array(await readFile(target));
    assert.equal(written.length, content.length);
    assert.equal(sha256(written), sha256(content));
    assert.deepEqual(await readdir(dir), ["final-logo.pdf"]); // no temporary left
    const outsider = await register("outsider", Role.BUYER);
    await expectError(outsider.client.downloadFileBytes(fileId), "NOT_FOUND", "RESOURCE_NOT_FOUND");
  });

  it("uploads the browsers' way (unary chunks) through a cut, and refuses another party's file", async () => {
    const { buyer, seller } = await offeredPair();
    const content = new TextEncoder().encode("Sizes: 512 and 1024 px.\n".repeat(150_000)); // 3.6 MB of text
    const proxy = await CuttingProxy.start(server.address);
    const proxied = createClient({ baseUrl: proxy.address, token: seller.token });
    let file;
    try {
      const upload = cutAt(proxy, 2 * MIB);
      file = await proxied.uploadFile(new Blob([content]), { name: "notes.txt", method: "chunks", onProgress: upload.onProgress });
      assert.equal(upload.state.cuts, 1);
    } finally {
      proxied.close();
      await proxy.close();
    }
    assert.deepEqual([Number(file.sizeBytes), file.sha256, file.contentType], [content.length, sha256(content), "text/plain; charset=utf-8"]);
    const { bytes } = await seller.client.downloadFileBytes(file.id);
    assert.equal(sha256(bytes), sha256(content));
    await expectError(buyer.client.downloadFileBytes(file.id), "NOT_FOUND", "RESOURCE_NOT_FOUND");
    await expectError(buyer.client.files.getFile({ id: file.id }), "NOT_FOUND", "RESOURCE_NOT_FOUND");
  });
});
