// Money in the web console, in Chromium against a real gigwired (manual payment gateway,
// a 10% platform fee, a payee for the bank-transfer instructions). Buyer, seller and admin
// each in their own browser context, pages open at once, every step a real click:
// - the buyer funds a milestone and sees the bank-transfer instructions (a second Fund
//   is refused with PAYMENT_PENDING in words); the admin confirms the transfer in the
//   payments queue (audited); the buyer's page shows the milestone funded by itself;
// - the seller submits; the buyer approves; the booking completes, the money released
//   (minus the fee); the seller asks for a payout (over the balance: INSUFFICIENT_FUNDS in
//   words) and the admin marks it paid;
// - the buyer disputes a funded milestone; the admin reads it in the disputes queue, adds
//   an internal and a shared note, resolves it 70/30 after a first split that does not add
//   up (AMOUNT_MISMATCH in words); the buyer sees the resolution and the shared note only;
// - the ledger reconciles with the totals these steps make; a proposed milestone is
//   accepted by the other side; the new screens do not scroll sideways at 375 px.
// Setup (people, jobs, bookings, one milestone funded beforehand) goes through the SDK.
//
// Skipped when gigwired (with --web-listen), Chromium or the console build is missing,
// unless GIGWIRE_E2E=require (as in `make test`).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Role, createClient } from "../../../sdk/ts/dist/src/index.js";
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, click, fill, launchBrowser, screenshot, scrollsSideways, signIn, skipReason,
  startServer, textOf, waitForNoText, waitForText,
} from "./harness.mjs";

const DAY_MS = 86_400_000;
const PAYEE = "Gigwire Test Bank, IBAN GB00 TEST 0000 0000 42";
const BUYER = { email: "bea@example.com", name: "Bea Buyer", roles: [Role.BUYER] };
const SELLER = { email: "sam@example.com", name: "Sam Sketch", roles: [Role.SELLER] };
/** Bookings made in setup: approved and funded through the UI / funded already / to extend. */
const LOGO = "Logo for a corner bakery";
const MENU = "Menu illustrations for a cafe";
const CARDS = "Business cards for the bakery";
const usd = (amountMinor) => ({ currencyCode: "USD", amountMinor });
const timestamp = (ms) => ({ seconds: BigInt(Math.floor(ms / 1000)), nanos: 0 });
const skip = skipReason();

/** A booking of `title` between the buyer and the seller for `maxMinor` (an accepted offer). */
async function booking(users, admin, categoryId, title, maxMinor) {
  const job = await users.buyer.jobs.createJob({
    job: {
      title, description: `${title}: brief attached.`, categoryId, skills: ["logo design"],
      budget: { min: usd(10_000n), max: usd(maxMinor) }, dueTime: timestamp(Date.now() + 21 * DAY_MS),
    },
  });
  await admin.jobs.approveJob({ id: job.id });
  await admin.assignments.assignSellers({ jobId: job.id, sellerIds: [users.seller.session.tokens.user.id] });
  const offer = (await users.seller.offers.listOffers({})).offers.find((o) => o.jobId === job.id);
  return (await users.seller.offers.acceptOffer({ id: offer.id })).bookingId;
}

/** The buyer, the seller and three bookings; MENU's one milestone is funded (paid, confirmed). */
async function seed(grpcAddress) {
  const client = createClient({ baseUrl: grpcAddress });
  const admin = await client.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  const users = {};
  for (const [key, p] of Object.entries({ buyer: BUYER, seller: SELLER })) {
    await client.auth.register({ email: p.email, password: PASSWORD, displayName: p.name, roles: p.roles });
    users[key] = await client.login(p.email, PASSWORD);
  }
  const design = await admin.catalog.createCategory({ category: { slug: "design", displayName: "Design" } });
  const bookings = {
    logo: await booking(users, admin, design.id, LOGO, 80_000n),
    menu: await booking(users, admin, design.id, MENU, 50_000n),
    cards: await booking(users, admin, design.id, CARDS, 30_000n),
  };
  const [menu] = (await users.buyer.milestones.listMilestones({ bookingId: bookings.menu })).milestones;
  const { payment } = await users.buyer.milestones.fundMilestone({ id: menu.id });
  await admin.payments.confirmPayment({ id: payment.id, note: "Arrived in setup." });
  return { bookings, admin, close: () => client.close() };
}

/** The visible text of the booking page's money summary. */
const moneyText = (page) => page.$eval("main dl.money", (dl) => dl.innerText);
/** "Released\n$800.00" as the summary shows a fact. */
const fact = (name, value) => new RegExp(`${name}\\s*${value.replace(/[$.]/g, (c) => `\\${c}`)}`);

describe("money in the web console", { skip }, () => {
  let server, data, browser;
  const pages = {};

  before(async () => {
    server = await startServer({ args: ["--platform-fee-bps", "1000", "--payee-details", PAYEE] });
    data = await seed(server.grpc);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    data?.close();
    if (process.env.GIGWIRE_E2E_LOG) console.log(server?.log());
    await server?.stop();
  });

  test("the buyer funds a milestone and sees how to pay by bank transfer", async () => {
    const page = await signIn(await browser.createBrowserContext(), server.web, BUYER.email, PASSWORD);
    pages.buyer = page;
    await click(page, "My bookings");
    await waitForText(page, "Milestones settled", { card: LOGO });
    await click(page, "Milestones and payments", { card: LOGO });
    await waitForText(page, "Milestones (1)");
    await waitForText(page, "Pending", { card: LOGO });
    assert.match(await textOf(page, { card: LOGO }), /\$800\.00/);
    assert.match(await moneyText(page), fact("Contract total", "$800.00"));
    assert.match(await moneyText(page), fact("In escrow", "$0.00"));
    await page.evaluate(() => { window.__sameDocument = true; });

    await click(page, "Fund", { card: LOGO });
    await waitForText(page, "Payment under way", { card: LOGO });
    await waitForText(page, PAYEE, { card: LOGO });
    const card = await textOf(page, { card: LOGO });
    assert.match(card, new RegExp(`Transfer 800\\.00 USD to ${PAYEE} quoting the reference mpay_[a-z2-7]+`));
    assert.match(card, /Pending/, "the milestone is funded only once an admin confirms");
    await screenshot(page, "money-01-buyer-fund-instructions");

    await click(page, "Fund", { card: LOGO }); // a second payment while one is under way
    await waitForText(page, "A payment for this is already under way.");
    assert.match(await page.$eval("main [role=alert]", (el) => el.innerText), /PAYMENT_PENDING/);
  });

  test("the admin confirms the transfer in the payments queue, and the audit log has it", async () => {
    const page = await signIn(await browser.createBrowserContext(), server.web, ADMIN_EMAIL, ADMIN_PASSWORD);
    pages.admin = page;
    await click(page, "Payments");
    await waitForText(page, LOGO, { card: "$800.00 for" }); // the milestone's title loads after the list
    const card = await textOf(page, { card: LOGO });
    assert.match(card, /Bea Buyer/);
    assert.match(card, /Reference\s*mpay_/);
    assert.doesNotMatch(await textOf(page), new RegExp(MENU), "the payment confirmed in setup left the queue");
    await screenshot(page, "money-02-admin-payments-queue");
    await click(page, "Confirm", { card: LOGO });
    await fill(page, "What you saw arrive", "Bank statement line 42", { dialog: true });
    await click(page, "Confirm payment", { dialog: true });
    await waitForText(page, "Confirmed $800.00 (mpay_");
    await waitForText(page, "No payment waits for confirmation."); // the queue follows the event stream
    await click(page, "Succeeded");
    await waitForText(page, "Confirmed by Administrator: Bank statement line 42", { card: LOGO });
    await click(page, "Audit log");
    await waitForText(page, "ConfirmPayment");
    await waitForText(page, "Bank statement line 42");
  });

  test("the buyer's page shows the milestone funded without a reload", async () => {
    const page = pages.buyer;
    await waitForText(page, "Funded", { card: LOGO });
    await waitForNoText(page, "Payment under way", { card: LOGO });
    await page.waitForFunction(() => /In escrow\s*\$800\.00/.test(document.querySelector("main dl.money")?.innerText ?? ""));
    assert.equal(await page.evaluate(() => window.__sameDocument), true, "the page was not reloaded");
    assert.match(await textOf(page, { card: LOGO }), /Dispute/); // funded money: the buyer may dispute, not cancel
    assert.doesNotMatch(await textOf(page, { card: LOGO }), /Cancel/);
  });

  test("the seller submits; the buyer approves; the booking completes with the money released", async () => {
    const seller = await signIn(await browser.createBrowserContext(), server.web, SELLER.email, PASSWORD);
    pages.seller = seller;
    await click(seller, "My bookings");
    await click(seller, "Milestones and payments", { card: LOGO });
    await waitForText(seller, "Funded", { card: LOGO });
    await click(seller, "Submit", { card: LOGO });
    await fill(seller, "What you delivered", "Three logo concepts, SVG and PNG.", { dialog: true });
    await click(seller, "Submit work", { dialog: true });
    await waitForText(seller, "Submitted: Three logo concepts, SVG and PNG.", { card: LOGO });
    assert.match(await textOf(seller, { card: LOGO }), /Released by itself/); // the auto-release date

    const buyer = pages.buyer;
    await waitForText(buyer, "Submitted: Three logo concepts, SVG and PNG.", { card: LOGO }); // live
    await click(buyer, "Approve", { card: LOGO });
    await waitForText(buyer, "Released", { card: LOGO });
    await waitForText(buyer, "Completed"); // the contract: its last milestone is final
    await buyer.waitForFunction(() => /Released\s*\$800\.00/.test(document.querySelector("main dl.money")?.innerText ?? ""));
    const summary = await moneyText(buyer);
    assert.match(summary, fact("Platform fees", "$80.00"));
    assert.match(summary, fact("In escrow", "$0.00"));
    assert.match(summary, fact("Refunded", "$0.00"));
    assert.match(summary, /Milestones settled\s*1 of 1/);
    await screenshot(buyer, "money-03-buyer-released");
    await waitForText(seller, "Released", { card: LOGO }); // the seller's page follows too
  });

  test("the seller asks for a payout of the balance; the admin marks it paid", async () => {
    const seller = pages.seller;
    await click(seller, "Earnings");
    await waitForText(seller, "Balance in USD");
    const balance = () => textOf(seller, { card: "Balance in USD" });
    assert.match(await balance(), /Available\s*\$720\.00/);
    assert.match(await balance(), /Withdrawable\s*\$720\.00/);
    await fill(seller, "Payout amount", "1000");
    await click(seller, "Request payout");
    await waitForText(seller, "There is not enough money in the account for this.");
    assert.match(await textOf(seller, { card: "Balance in USD" }), /INSUFFICIENT_FUNDS/);
    await fill(seller, "Payout amount", "700");
    await click(seller, "Request payout");
    await waitForText(seller, "Asked for $700.00: an admin pays it out");
    await waitForText(seller, "Requested", { card: "Payout of $700.00" });
    await seller.waitForFunction(() => /Withdrawable\s*\$20\.00/.test(document.querySelector("main li.card")?.innerText ?? ""));

    const admin = pages.admin;
    await click(admin, "Payouts");
    await waitForText(admin, SELLER.name, { card: "$700.00 to" });
    await click(admin, "Mark paid", { card: "$700.00 to" });
    await fill(admin, "The bank's reference", "SEPA-2026-0042", { dialog: true });
    await click(admin, "Mark paid", { dialog: true });
    await waitForText(admin, "Marked $700.00 paid (reference SEPA-2026-0042).");
    await waitForText(seller, "Paid", { card: "Payout of $700.00" }); // live
    await waitForText(seller, "Bank reference: SEPA-2026-0042", { card: "Payout of $700.00" });
    await seller.waitForFunction(() => /Available\s*\$20\.00/.test(document.querySelector("main li.card")?.innerText ?? ""));
    await screenshot(seller, "money-04-seller-earnings");
  });

  test("a dispute opened by the buyer is resolved 70/30 by the admin, after a split that does not add up", async () => {
    const buyer = pages.buyer;
    await click(buyer, "← My bookings");
    await click(buyer, "Milestones and payments", { card: MENU });
    await waitForText(buyer, "Funded", { card: MENU });
    await click(buyer, "Dispute", { card: MENU });
    await waitForText(buyer, "The $500.00 of this milestone stay in escrow", { dialog: true });
    await fill(buyer, "Reason", "Only six of the ten illustrations arrived.", { dialog: true });
    await fill(buyer, "Evidence", "The brief asked for ten; the delivery folder has six.", { dialog: true });
    await click(buyer, "Open dispute", { dialog: true });
    await waitForText(buyer, "Disputed", { card: MENU });
    await waitForText(buyer, "Opened by Bea Buyer: Only six of the ten illustrations arrived.", { card: MENU });

    const admin = pages.admin;
    await click(admin, "Disputes");
    await waitForText(admin, "Reason: Only six of the ten illustrations arrived.", { card: MENU });
    await waitForText(admin, SELLER.name, { card: MENU });
    assert.match(await textOf(admin, { card: MENU }), /At stake\s*\$500\.00/);
    await screenshot(admin, "money-05-admin-disputes-queue");
    await click(admin, "Work on it", { card: MENU });
    await waitForText(admin, `Dispute: ${MENU}`);
    await waitForText(admin, "The brief asked for ten; the delivery folder has six.");
    await fill(admin, "Note", "Seller says four more are late, not missing.");
    assert.equal(await admin.$eval("main input[name=internal]", (i) => i.checked), true, "notes are internal unless unticked");
    await click(admin, "Add note");
    await waitForText(admin, "Seller says four more are late, not missing.");
    await fill(admin, "Note", "We will settle this at 70/30 for the six delivered.");
    await admin.click("main input[name=internal]");
    await click(admin, "Add note");
    await waitForText(admin, "We will settle this at 70/30 for the six delivered.");
    const notes = await admin.$$eval("main ul.notes > li", (items) => items.map((li) => li.innerText));
    assert.equal(notes.length, 2);
    assert.match(notes[0], /^Internal/);
    assert.doesNotMatch(notes[1], /Internal/);

    await fill(admin, "To the seller", "350");
    await fill(admin, "Back to the buyer", "200"); // 550 of 500: refused, nothing moves
    await fill(admin, "Why (both parties see it)", "Six of ten delivered, late ones excused in part.");
    await click(admin, "Resolve dispute");
    await waitForText(admin, "The amounts do not add up: they must equal the money at stake, in the booking's currency.");
    assert.match(await admin.$eval("main [role=alert]", (el) => el.innerText), /AMOUNT_MISMATCH/);
    assert.equal(await admin.$eval("main .card .badge", (b) => b.textContent), "Open", "nothing was resolved");
    await screenshot(admin, "money-06-admin-dispute-amount-mismatch");
    await fill(admin, "Back to the buyer", "150");
    await click(admin, "Resolve dispute");
    await waitForText(admin, "$350.00 to the seller, $150.00 back to the buyer.");
    await waitForText(admin, "Resolved");
    await waitForNoText(admin, "Resolve dispute");

    await waitForText(buyer, "Resolved: $350.00 to the seller, $150.00 back to the buyer.", { card: MENU }); // live
    await waitForText(buyer, "We will settle this at 70/30 for the six delivered.", { card: MENU });
    assert.doesNotMatch(await textOf(buyer), /four more are late/, "the buyer never sees an internal note");
    await waitForText(buyer, "Completed"); // money reached the seller: the booking completed
    const summary = await moneyText(buyer);
    assert.match(summary, fact("Released", "$350.00"));
    assert.match(summary, fact("Refunded", "$150.00"));
    assert.match(summary, fact("Platform fees", "$35.00"));
    assert.match(summary, fact("In escrow", "$0.00"));
    await screenshot(buyer, "money-07-buyer-dispute-resolved");
  });

  test("the ledger reconciles with the totals of these steps", async () => {
    const admin = pages.admin;
    await click(admin, "Ledger");
    await click(admin, "Reconcile");
    await waitForText(admin, "The ledger reconciles: no invariant is broken.");
    const report = await admin.$eval("main .reconciliation", (el) => el.innerText);
    assert.match(report, fact("Platform fees", "$115.00")); // 80 + 35
    assert.match(report, fact("Owed to sellers", "$335.00")); // 720 - 700 paid out + 315
    assert.match(report, /Transactions\s*5\b/); // two funds, a release, a payout, a resolution
    await waitForText(admin, "Resolution");
    await screenshot(admin, "money-08-admin-ledger");
  });

  test("a milestone the buyer proposes is accepted by the seller", async () => {
    const buyer = pages.buyer;
    await click(buyer, "← My bookings");
    await click(buyer, "Milestones and payments", { card: CARDS });
    await waitForText(buyer, "Milestones (1)");
    await fill(buyer, "Milestone title", "Print-ready files for 500 cards");
    await fill(buyer, "Amount", "150");
    await click(buyer, "Propose milestone");
    await waitForText(buyer, "Proposed “Print-ready files for 500 cards”; it waits for the seller.");
    await waitForText(buyer, "Proposed", { card: "Print-ready files" });
    assert.match(await textOf(buyer, { card: "Print-ready files" }), /Decline/); // the proposer may withdraw it
    assert.doesNotMatch(await textOf(buyer, { card: "Print-ready files" }), /Accept/);

    const seller = pages.seller;
    await seller.evaluate((id) => { window.location.hash = `#/booking/${id}`; }, data.bookings.cards);
    await waitForText(seller, "Proposed by", { card: "Print-ready files" });
    await click(seller, "Accept", { card: "Print-ready files" });
    await waitForText(seller, "Pending", { card: "Print-ready files" });
    await waitForText(buyer, "Fund", { card: "Print-ready files" }); // live: agreed, the buyer may fund it
    await buyer.waitForFunction(() => /Contract total\s*\$450\.00/.test(document.querySelector("main dl.money")?.innerText ?? ""));
  });

  test("at 375 px wide the money screens do not scroll sideways", async () => {
    const [dispute] = (await data.admin.disputes.listDisputes({})).disputes;
    const screens = [
      [pages.buyer, [`#/booking/${data.bookings.menu}`, `#/booking/${data.bookings.cards}`]],
      [pages.seller, ["#/earnings", `#/booking/${data.bookings.logo}`]],
      [pages.admin, ["#/admin/payments", "#/admin/disputes", `#/admin/dispute/${dispute.id}`, "#/admin/payouts", "#/admin/ledger"]],
    ];
    for (const [page, hashes] of screens) {
      await page.setViewport({ width: 375, height: 812 });
      for (const hash of hashes) {
        await page.evaluate((h) => { window.location.hash = h; }, hash);
        await page.waitForFunction(() => document.querySelector("main h1") && !document.body.innerText.includes("Loading…"));
        assert.equal(await scrollsSideways(page), false, `${hash} scrolls sideways at 375 px`);
      }
      await page.setViewport({ width: 1280, height: 900 });
    }
  });
});
