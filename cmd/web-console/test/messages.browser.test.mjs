// Messages and files in the web console, in Chromium against a real gigwired. Buyer, seller
// and admin each in their own browser context, pages open at once, every step a real click:
// - the seller writes to the buyer from an offer ("Message buyer"); the buyer's Messages
//   list shows it unread without a reload, the thread shows it, and the seller's page shows
//   "Seen" (a read receipt) by itself; the buyer's reply arrives live;
// - the buyer attaches a 2.5 MiB PDF (uploaded in unary UploadChunk calls, with progress) and
//   sends it; the seller downloads it (DownloadFile over gRPC-Web into a Blob the browser
//   saves): the saved file is byte-identical (SHA-256); an HTML file is refused in words
//   (FILE_TYPE_NOT_ALLOWED) and nothing is sent;
// - an admin finds the conversation by the buyer's email, hides a message with a reason
//   (Esc closes the prompt, focus returns), sees it marked with why, joins and writes; the
//   hidden text leaves both participants' pages live and is not there after a reload;
// - the seller delivers a booking with a file (the delivery form's file picker); the
//   buyer's booking page lists it live and downloads it byte-identical;
// - the new screens do not scroll sideways at 375 px.
// Setup (people, a job with a pending offer, a booking) goes through the SDK.
//
// Skipped when gigwired (with --web-listen), Chromium or the console build is missing,
// unless GIGWIRE_E2E=require (as in `make test`).
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Role, createClient } from "../../../sdk/ts/dist/src/index.js";
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, STEP_TIMEOUT_MS, click, fill, launchBrowser, screenshot, scrollsSideways,
  signIn, skipReason, startServer, textOf, waitForNoText, waitForText,
} from "./harness.mjs";

const DAY_MS = 86_400_000;
const BUYER = { email: "bea@example.com", name: "Bea Buyer", roles: [Role.BUYER] };
const SELLER = { email: "sam@example.com", name: "Sam Sketch", roles: [Role.SELLER] };
/** A job the seller holds a pending offer for (they may write), and one already booked. */
const TALK = "Logo for a corner bakery";
const BOOKED = "Menu illustrations for a cafe";
const SECRET = "Call me on 555-0100, let us skip the platform";
const usd = (amountMinor) => ({ currencyCode: "USD", amountMinor });
const timestamp = (ms) => ({ seconds: BigInt(Math.floor(ms / 1000)), nanos: 0 });
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const skip = skipReason();

/** A job of `title`, approved and offered to the seller; `accept` books it. */
async function offered(users, admin, categoryId, title, { accept = false } = {}) {
  const job = await users.buyer.jobs.createJob({
    job: {
      title, description: `${title}: brief attached.`, categoryId, skills: ["logo design"],
      budget: { min: usd(10_000n), max: usd(50_000n) }, dueTime: timestamp(Date.now() + 21 * DAY_MS),
    },
  });
  await admin.jobs.approveJob({ id: job.id });
  await admin.assignments.assignSellers({ jobId: job.id, sellerIds: [users.seller.session.tokens.user.id] });
  const offer = (await users.seller.offers.listOffers({})).offers.find((o) => o.jobId === job.id);
  return accept ? (await users.seller.offers.acceptOffer({ id: offer.id })).bookingId : job.id;
}

async function seed(grpcAddress) {
  const client = createClient({ baseUrl: grpcAddress });
  const admin = await client.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  const users = {};
  for (const [key, p] of Object.entries({ buyer: BUYER, seller: SELLER })) {
    await client.auth.register({ email: p.email, password: PASSWORD, displayName: p.name, roles: p.roles });
    users[key] = await client.login(p.email, PASSWORD);
  }
  const design = await admin.catalog.createCategory({ category: { slug: "design", displayName: "Design" } });
  const jobId = await offered(users, admin, design.id, TALK);
  const bookingId = await offered(users, admin, design.id, BOOKED, { accept: true });
  return { jobId, bookingId, close: () => client.close() };
}

/** Files to upload: PDFs of random bytes (binary through and through) and a page of HTML. */
function makeFiles(dir) {
  const pdf = (name, size) => {
    const bytes = Buffer.concat([Buffer.from("%PDF-1.4\n"), randomBytes(size)]);
    writeFileSync(join(dir, name), bytes);
    return { name, path: join(dir, name), bytes, sha256: sha256(bytes) };
  };
  writeFileSync(join(dir, "page.html"), "<html><body><script>alert(1)</script></body></html>\n");
  return {
    evidence: pdf("evidence.pdf", Math.floor(2.5 * 1024 * 1024)), // three UploadChunk calls
    delivery: pdf("final-logo.pdf", 700 * 1024),
    html: { name: "page.html", path: join(dir, "page.html") },
  };
}

/** The bytes the browser saved as `name` in `dir`, once the download is complete. */
async function savedFile(dir, name, size) {
  const path = join(dir, name);
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (!(existsSync(path) && readFileSync(path).length === size)) {
    if (Date.now() > deadline) throw new Error(`the browser saved no ${name} of ${size} bytes in ${dir}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return readFileSync(path);
}

/** Picks `path` in the file input inside `form` (a CSS selector of the form). */
async function pick(page, form, path) {
  const input = await page.waitForSelector(`${form} input[type=file]`, { timeout: STEP_TIMEOUT_MS });
  await input.uploadFile(path);
}

describe("messages and files in the web console", { skip }, () => {
  let server, data, browser, dir, files;
  const pages = {};
  const downloads = {};

  before(async () => {
    server = await startServer();
    data = await seed(server.grpc);
    browser = await launchBrowser();
    dir = mkdtempSync(join(tmpdir(), "gigwire-console-files-"));
    files = makeFiles(dir);
  });

  after(async () => {
    await browser?.close();
    data?.close();
    if (process.env.GIGWIRE_E2E_LOG) console.log(server?.log());
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A signed-in page in a context of its own whose downloads land in a folder of its own. */
  async function person(key, email, password) {
    downloads[key] = mkdtempSync(join(dir, `${key}-downloads-`));
    const context = await browser.createBrowserContext({ downloadBehavior: { policy: "allow", downloadPath: downloads[key] } });
    pages[key] = await signIn(context, server.web, email, password);
    return pages[key];
  }

  test("the seller writes from an offer; the buyer reads it live and the seller sees it seen", async () => {
    const buyer = await person("buyer", BUYER.email, PASSWORD);
    await click(buyer, "Messages");
    await waitForText(buyer, "No conversations yet.");

    const seller = await person("seller", SELLER.email, PASSWORD);
    await waitForText(seller, TALK, { card: TALK }); // the Offers screen
    await click(seller, "Message buyer", { card: TALK });
    await seller.waitForFunction((t) => document.querySelector("main h1")?.textContent === t, { timeout: STEP_TIMEOUT_MS }, TALK);
    await waitForText(seller, "No messages yet.");
    await seller.evaluate(() => { window.__sameDocument = true; });
    await fill(seller, "Message", "Hello Bea, which colours does the bakery use?");
    await click(seller, "Send");
    await waitForText(seller, "Hello Bea, which colours does the bakery use?");
    assert.doesNotMatch(await textOf(seller), /Seen/, "nobody read it yet");

    await waitForText(buyer, "1 unread", { card: TALK }); // the list follows the event stream
    assert.match(await textOf(buyer, { card: TALK }), /Sam Sketch: Hello Bea, which colours/);
    await screenshot(buyer, "messages-01-buyer-list-unread");
    await click(buyer, TALK, { card: TALK });
    await waitForText(buyer, "Hello Bea, which colours does the bakery use?");
    await waitForText(seller, "Seen"); // the buyer's page marked it read: a receipt, live
    await buyer.evaluate(() => { window.__sameDocument = true; });

    await fill(buyer, "Message", "Warm brown and cream.");
    await buyer.keyboard.down("Control");
    await buyer.keyboard.press("Enter"); // Ctrl+Enter sends
    await buyer.keyboard.up("Control");
    await waitForText(seller, "Warm brown and cream."); // live
    await waitForText(buyer, "Seen"); // the seller's page is open: read at once
    assert.equal(await seller.evaluate(() => window.__sameDocument), true, "the seller's page was not reloaded");
    await screenshot(seller, "messages-02-seller-thread-seen");
  });

  test("a file attached in one page is downloaded byte-identical in the other; HTML is refused", async () => {
    const { buyer, seller } = pages;
    const composer = 'form[aria-label="Write a message"]';
    await pick(buyer, composer, files.html.path);
    await waitForText(buyer, "page.html: This kind of file is not accepted. Use an image, a PDF, an office document, a ZIP or plain text.");
    assert.match(await textOf(buyer), /FILE_TYPE_NOT_ALLOWED/);
    await click(buyer, "Remove page.html");
    await pick(buyer, composer, files.evidence.path);
    await waitForText(buyer, "Uploaded");
    await fill(buyer, "Message", "The current logo, scanned.");
    await click(buyer, "Send");
    await waitForText(buyer, "The current logo, scanned.");
    await waitForNoText(buyer, "Files to attach"); // the composer is empty again

    await waitForText(seller, "evidence.pdf"); // live, with its attachment
    assert.match(await textOf(seller), /application\/pdf · 2\.5 MiB/);
    await click(seller, "Download evidence.pdf");
    await waitForText(seller, "Save evidence.pdf again");
    const saved = await savedFile(downloads.seller, "evidence.pdf", files.evidence.bytes.length);
    assert.equal(sha256(saved), files.evidence.sha256, "the saved file is the uploaded file");
    await screenshot(seller, "messages-03-seller-attachment");
  });

  test("an admin hides a message with a reason; its text leaves both participants' pages", async () => {
    const { buyer, seller } = pages;
    await fill(buyer, "Message", SECRET);
    await click(buyer, "Send");
    await waitForText(seller, SECRET);

    const admin = await person("admin", ADMIN_EMAIL, ADMIN_PASSWORD);
    await click(admin, "Messages");
    await waitForText(admin, "No conversations yet."); // none joined yet
    await fill(admin, "A user's conversations", BUYER.email);
    await click(admin, "Show");
    await waitForText(admin, TALK, { card: TALK });
    await click(admin, TALK, { card: TALK });
    await waitForText(admin, SECRET);
    const hideButton = await admin.$$eval("main .thread > li", (items) =>
      items.at(-1).querySelector("button[aria-label^='Hide message']").getAttribute("aria-label"));
    await click(admin, hideButton);
    await waitForText(admin, "Why (admins and the audit log see it", { dialog: true });
    await admin.keyboard.press("Escape"); // Esc closes; focus returns to the button that opened it
    await waitForNoText(admin, "Why (admins and the audit log see it");
    assert.equal(await admin.evaluate(() => document.activeElement?.getAttribute("aria-label")), hideButton);
    await click(admin, hideButton);
    await fill(admin, "Why (admins", "Shares a phone number to take the deal off the platform.", { dialog: true });
    await click(admin, "Hide message", { dialog: true });
    await waitForText(admin, "Hidden by Administrator: Shares a phone number to take the deal off the platform.");
    assert.match(await textOf(admin), new RegExp(SECRET), "admins still see the text, marked hidden");

    for (const page of [seller, buyer]) {
      await waitForNoText(page, SECRET); // live
      await waitForText(page, "This message was hidden by an admin.");
      assert.doesNotMatch(await textOf(page), /Shares a phone number/, "the reason is for admins");
    }
    await screenshot(seller, "messages-04-seller-hidden");
    await seller.reload();
    await waitForText(seller, "This message was hidden by an admin.");
    await waitForText(seller, "Warm brown and cream.");
    assert.doesNotMatch(await textOf(seller), new RegExp(SECRET), "not after a reload either");
    await click(seller, "← Messages");
    await waitForText(seller, "A message was hidden by an admin.", { card: TALK });
    assert.doesNotMatch(await textOf(seller), new RegExp(SECRET));

    await click(admin, "Join conversation");
    await waitForText(admin, "Admins who joined");
    await fill(admin, "Message", "Please keep the conversation on Gigwire.");
    await click(admin, "Send");
    await waitForText(buyer, "Please keep the conversation on Gigwire."); // live
    await waitForText(buyer, "Admins who joined"); // CONVERSATION_JOINED, live
    await screenshot(admin, "messages-05-admin-thread");
  });

  test("the seller delivers with a file; the buyer's booking page lists it and downloads it intact", async () => {
    const { buyer, seller } = pages;
    await buyer.evaluate((id) => { window.location.hash = `#/booking/${id}`; }, data.bookingId);
    await waitForText(buyer, "No files delivered yet.");

    await click(seller, "My bookings");
    await click(seller, "Deliver", { card: BOOKED });
    await fill(seller, "What you delivered", "The final logo, print-ready.", { dialog: true });
    await pick(seller, "dialog[open] form", files.delivery.path);
    await waitForText(seller, "Uploaded", { dialog: true });
    await click(seller, "Deliver", { dialog: true });
    await waitForText(seller, "Delivered: The final logo, print-ready.", { card: BOOKED });

    await waitForText(buyer, "Delivered files (1)"); // live: BOOKING_DELIVERED
    await waitForText(buyer, "final-logo.pdf");
    await click(buyer, "Download final-logo.pdf");
    await waitForText(buyer, "Save final-logo.pdf again");
    const saved = await savedFile(downloads.buyer, "final-logo.pdf", files.delivery.bytes.length);
    assert.equal(sha256(saved), files.delivery.sha256);
    await screenshot(buyer, "messages-06-buyer-delivered-files");
  });

  test("the booking page's Message button opens the booking's own conversation", async () => {
    const buyer = pages.buyer;
    await click(buyer, "Message the seller");
    await buyer.waitForFunction((t) => document.querySelector("main h1")?.textContent === t, { timeout: STEP_TIMEOUT_MS }, BOOKED);
    await waitForText(buyer, "No messages yet.");
    await click(buyer, "← Messages");
    await waitForText(buyer, BOOKED, { card: BOOKED });
    await waitForText(buyer, TALK, { card: TALK });
  });

  test("at 375 px wide the message screens do not scroll sideways", async () => {
    const page = pages.buyer;
    await page.setViewport({ width: 375, height: 812 });
    await page.evaluate(() => { window.location.hash = "#/messages"; });
    await waitForText(page, TALK, { card: TALK });
    assert.equal(await scrollsSideways(page), false, "#/messages scrolls sideways at 375 px");
    await click(page, TALK, { card: TALK });
    await waitForText(page, "evidence.pdf");
    assert.equal(await scrollsSideways(page), false, "a conversation scrolls sideways at 375 px");
    await page.setViewport({ width: 1280, height: 900 });
  });
});
