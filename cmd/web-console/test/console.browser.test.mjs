// The web console in a real browser (Debian's Chromium through puppeteer-core) against a
// real gigwired serving it on its web port. Three people at once, each in their own
// browser context: a buyer posts a job; an admin approves it and, in the assignment
// modal, finds two sellers with the text search and a skill filter, previews one and
// assigns both; the seller sees the offer arrive without reloading and accepts it; the
// buyer sees the job booked and the booking; the admin completes it from the bookings
// overview. Also: a server error shown as its reason in words, the gig approval queue,
// the audit log, keyboard use of the modal, and no sideways scrolling at 375 px.
// Every step asserts on what the page shows. Screenshots go to build/screenshots/.
//
// Skipped when gigwired (with --web-listen), Chromium or the console build is missing,
// unless GIGWIRE_E2E=require (as in `make test`).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, check, choose, click, fill, launchBrowser, newPage, screenshot,
  scrollsSideways, signIn, skipReason, startServer, textOf, waitForNoText, waitForText,
} from "./harness.mjs";
import { EXTRA_SELLERS, FIXTURE, PEOPLE, seed } from "./setup.mjs";

const JOB = "Logo for a neighbourhood bakery";
const skip = skipReason();

describe("web console in Chromium", { skip }, () => {
  let server, data, browser;
  const pages = {};

  before(async () => {
    server = await startServer();
    data = await seed(server.grpc);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    data?.close();
    if (process.env.GIGWIRE_E2E_LOG) console.log(server?.log());
    await server?.stop();
  });

  test("a wrong password is refused with the server's reason in words", async () => {
    const context = await browser.createBrowserContext();
    const page = await newPage(context);
    await page.goto(server.web);
    await waitForText(page, "Sign in as a buyer, a seller or an admin.");
    await screenshot(page, "01-sign-in");
    await fill(page, "Email", PEOPLE.buyer.email);
    await fill(page, "Password", "not-the-password-1");
    await click(page, "Sign in");
    await page.waitForSelector("[role=alert]");
    const alert = await page.$eval("[role=alert]", (el) => el.innerText);
    assert.match(alert, /Invalid credentials: that email and password do not match an account\./);
    assert.match(alert, /INVALID_CREDENTIALS/);
    await screenshot(page, "02-sign-in-wrong-password");
    pages.buyer = page;
  });

  test("the buyer signs in with the keyboard and posts a job", async () => {
    const page = pages.buyer;
    await fill(page, "Password", PASSWORD);
    await page.keyboard.press("Enter");
    await waitForText(page, "My jobs");
    assert.equal(await page.$eval("[data-testid=signed-in-as]", (el) => el.textContent), PEOPLE.buyer.name);
    await click(page, "Post a job");
    await fill(page, "Title", JOB);
    await fill(page, "Description", "A warm, round logo for three shops. SVG and PNG.");
    await choose(page, "Category", "Logo design");
    await fill(page, "Skills", "logo design, branding");
    await fill(page, "From", "200");
    await fill(page, "To", "800");
    await screenshot(page, "03-buyer-post-job");
    await click(page, "Post job");
    await waitForText(page, `Posted “${JOB}”. It waits for an admin's review`);
    await click(page, "My jobs", {});
    await waitForText(page, JOB, { card: JOB });
    assert.match(await textOf(page, { card: JOB }), /Pending review/);
    assert.match(await textOf(page), /Pending review \(1\)/);
  });

  test("the seller's offers page is open and waiting", async () => {
    const context = await browser.createBrowserContext();
    const page = await signIn(context, server.web, PEOPLE.sam.email, PASSWORD);
    await waitForText(page, "New offers appear here as soon as an admin assigns you.");
    await waitForText(page, "Fits your portfolio."); // the earlier, accepted offer
    await page.evaluate(() => { window.__sameDocument = true; });
    pages.seller = page;
  });

  test("the admin approves the job in the review queue", async () => {
    const context = await browser.createBrowserContext();
    const page = await signIn(context, server.web, ADMIN_EMAIL, ADMIN_PASSWORD);
    await waitForText(page, "Review queue");
    await waitForText(page, "1 job waiting for review.");
    await waitForText(page, JOB, { card: JOB });
    await waitForText(page, PEOPLE.buyer.name, { card: JOB }); // names and categories load after the list
    await waitForText(page, "Design › Logo design", { card: JOB });
    await screenshot(page, "04-admin-review-queue");
    await click(page, "Approve", { card: JOB });
    await waitForText(page, "Assign sellers", { card: JOB });
    assert.match(await textOf(page, { card: JOB }), /Open/);
    await waitForText(page, "0 jobs waiting for review.");
    pages.admin = page;
  });

  test("the admin assigns two sellers in the modal with the search, a filter and the preview", async () => {
    const page = pages.admin;
    await click(page, "Assign sellers", { card: JOB });
    await waitForText(page, `Assign sellers to “${JOB}”`, { dialog: true });
    await waitForText(page, PEOPLE.sam.name, { dialog: true }); // the best rated first, before any search
    await fill(page, "Search sellers", "sa", { dialog: true });
    await fill(page, "Skill", "logo", { dialog: true });
    await click(page, "Search", { dialog: true });
    await page.waitForFunction(() => !document.querySelector("dialog[open]").innerText.includes("Otto Words"));
    await choose(page, "Sort by", "Name", { dialog: true });
    await page.waitForFunction(() =>
      [...document.querySelectorAll("dialog[open] .seller-name")].map((e) => e.textContent).join() === "Sam Sketch,Sasha Pixel");

    await click(page, `Preview ${PEOPLE.sam.name}`, { dialog: true });
    for (const shown of [FIXTURE.portfolio, FIXTURE.samGig, FIXTURE.review, "5.0 ★ (1 review)", "1 completed", PEOPLE.sam.bio]) {
      await waitForText(page, shown, { dialog: true }); // the reviews load after the preview opens
    }
    await click(page, `Select ${PEOPLE.sam.name}`, { dialog: true });
    await check(page, `Select ${PEOPLE.sasha.name}`);
    await waitForText(page, "Selected (2)", { dialog: true });
    await fill(page, "Note to the sellers", "Both of you do great logos.", { dialog: true });
    await screenshot(page, "05-admin-assignment-modal");
    await click(page, "Assign 2 sellers", { dialog: true });
    await waitForText(page, `Assigned to “${JOB}”`, { dialog: true });
    const results = await page.$$eval("dialog[open] .results li", (items) => items.map((li) => li.innerText));
    assert.equal(results.length, 2);
    assert.match(results[0], /^✓ Sam Sketch: offer sent \(off_/);
    assert.match(results[1], /^✓ Sasha Pixel: offer sent \(off_/);
    await screenshot(page, "06-admin-assignment-result");

    await page.keyboard.press("Escape"); // Esc closes; focus returns to the button that opened it
    await page.waitForFunction(() => document.querySelector("dialog[open]") === null);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Assign sellers");
  });

  test("the seller's page shows the offer without a reload, and the seller accepts it", async () => {
    const page = pages.seller;
    await waitForText(page, `New offer: ${JOB}`);
    await waitForText(page, "Both of you do great logos.", { card: JOB });
    assert.equal(await page.evaluate(() => window.__sameDocument), true, "the page was not reloaded");
    assert.match(await textOf(page, { card: JOB }), /Pending/);
    await screenshot(page, "07-seller-offer-arrived-live");
    await click(page, "Accept", { card: JOB });
    await waitForText(page, "Booked: see My bookings.", { card: JOB });
    assert.match(await textOf(page, { card: JOB }), /Accepted/);
    await screenshot(page, "08-seller-offer-accepted");
  });

  test("the buyer's page shows the job booked, and the booking", async () => {
    const page = pages.buyer;
    await waitForText(page, "Booked", { card: JOB }); // My jobs follows the event stream
    await click(page, "My bookings");
    await waitForText(page, JOB, { card: JOB });
    await waitForText(page, PEOPLE.sam.name, { card: JOB });
    const card = await textOf(page, { card: JOB });
    assert.match(card, /Active/);
    assert.match(card, /\$800\.00/);
    await screenshot(page, "09-buyer-bookings");
  });

  test("the admin completes the booking from the bookings overview", async () => {
    const page = pages.admin;
    await click(page, "All bookings");
    await waitForText(page, "Logo for a food truck"); // the completed booking of the setup
    await click(page, "Active");
    await waitForNoText(page, "Logo for a food truck"); // the filter hides it
    await waitForText(page, JOB, { card: JOB });
    await waitForText(page, PEOPLE.sam.name, { card: JOB });
    await screenshot(page, "10-admin-bookings");
    await click(page, "Complete", { card: JOB });
    await click(page, "Completed"); // the filter: the booking left the Active list
    await waitForText(page, "Completed", { card: JOB });
    await screenshot(page, "10-admin-booking-completed");
    await waitForText(pages.buyer, "Completed", { card: JOB }); // the buyer's bookings follow live
  });

  test("the admin approves a gig and reads the audit log", async () => {
    const page = pages.admin;
    await click(page, "Gig approvals");
    await waitForText(page, FIXTURE.sashaGig, { card: FIXTURE.sashaGig });
    await waitForText(page, PEOPLE.sasha.name, { card: FIXTURE.sashaGig });
    await click(page, "Approve", { card: FIXTURE.sashaGig });
    await waitForText(page, "Approved", { card: FIXTURE.sashaGig });
    await click(page, "Audit log");
    for (const action of ["CompleteBooking", "AssignSellers", "ApproveJob", "ApproveGig"]) {
      await waitForText(page, action);
    }
    await screenshot(page, "11-admin-audit-log");
  });

  test("a refusal from the server is shown per seller, in words", async () => {
    const page = pages.admin;
    await click(page, "Open jobs");
    await waitForText(page, FIXTURE.openJob, { card: FIXTURE.openJob });
    await click(page, "Assign sellers", { card: FIXTURE.openJob });
    await fill(page, "Search sellers", "o", { dialog: true }); // Otto by name, Sasha by "logo design"
    await click(page, "Search", { dialog: true });
    await waitForText(page, PEOPLE.otto.name, { dialog: true });
    await waitForText(page, PEOPLE.sasha.name, { dialog: true });
    // Another admin assigns Otto while this modal is open: the server refuses him here.
    await data.admin.assignments.assignSellers({ jobId: data.openJobId, sellerIds: [data.sellerIds.otto] });
    await check(page, `Select ${PEOPLE.otto.name}`);
    await check(page, `Select ${PEOPLE.sasha.name}`);
    await click(page, "Assign 2 sellers", { dialog: true });
    await waitForText(page, "Nothing was assigned: the server refused the sellers below.", { dialog: true });
    const text = await textOf(page, { dialog: true });
    assert.match(text, /✗ Otto Words: already has an offer/);
    assert.match(text, /✗ Sasha Pixel: not assigned: the whole assignment was refused/);
    assert.match(text, /INVALID_FIELDS/);
    await screenshot(page, "12-admin-assignment-refused");
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => document.querySelector("dialog[open]") === null);
    // Opened again, the modal marks Otto as already offered and does not let him be picked.
    await click(page, "Assign sellers", { card: FIXTURE.openJob });
    await fill(page, "Search sellers", "Otto", { dialog: true });
    await click(page, "Search", { dialog: true });
    await waitForText(page, "Already offered (pending)", { card: PEOPLE.otto.name, dialog: true });
    assert.equal(await page.$eval(`dialog[open] input[aria-label="Select ${PEOPLE.otto.name}"]`, (i) => i.disabled), true);
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => document.querySelector("dialog[open]") === null);
  });

  test("lists are paged with the API's page tokens", async () => {
    const page = pages.admin;
    await click(page, "Assign sellers", { card: FIXTURE.openJob });
    await fill(page, "Search sellers", "Extra", { dialog: true });
    await choose(page, "Sort by", "Name", { dialog: true });
    const names = (list) => page.waitForFunction((expected) =>
      [...document.querySelectorAll("dialog[open] .seller-name")].map((e) => e.textContent).join() === expected,
    { timeout: 15_000 }, list.join());
    const extra = (n) => `Extra Seller ${String(n).padStart(2, "0")}`;
    await names(Array.from({ length: 10 }, (_, i) => extra(i + 1))); // page 1, by name
    await waitForText(page, "Page 1", { dialog: true });
    await click(page, "Next →", { dialog: true });
    await waitForText(page, "Page 2", { dialog: true });
    await names([extra(EXTRA_SELLERS - 1), extra(EXTRA_SELLERS)]);
    assert.equal(await page.$eval("dialog[open] .pager button:last-child", (b) => b.disabled), true, "no page after the last");
    await click(page, "← Previous", { dialog: true });
    await waitForText(page, "Extra Seller 01", { dialog: true });
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => document.querySelector("dialog[open]") === null);
  });

  test("the buyer compares proposals, shortlists one, declines one and accepts one", async () => {
    const page = pages.buyer;
    await click(page, "My jobs");
    await click(page, "Proposals", { card: FIXTURE.project });
    await waitForText(page, "Proposals (2)");
    await choose(page, "Order", "Lowest price");
    await page.waitForFunction(() =>
      [...document.querySelectorAll("main .cards .summary-title")].map((e) => e.textContent).join() === "Otto Words,Sasha Pixel");
    await click(page, "Shortlist", { card: FIXTURE.sashaBid });
    await waitForText(page, "Shortlisted", { card: FIXTURE.sashaBid });
    await page.click("main input[type=checkbox]"); // Shortlisted only
    await waitForNoText(page, FIXTURE.ottoBid);
    await page.click("main input[type=checkbox]");
    await click(page, "Decline", { card: FIXTURE.ottoBid });
    await fill(page, "Why", "We want illustration this time.", { dialog: true });
    await click(page, "Decline", { dialog: true });
    await waitForText(page, "Declined", { card: FIXTURE.ottoBid });
    await click(page, "Accept", { card: FIXTURE.sashaBid });
    await waitForText(page, "Accepted", { card: FIXTURE.sashaBid });
    await waitForText(page, "Booked: see My bookings.");
    await screenshot(page, "13-buyer-proposals");
  });

  test("the seller delivers, the buyer asks for a revision, then completes and reviews", async () => {
    const context = await browser.createBrowserContext();
    const seller = await signIn(context, server.web, PEOPLE.sasha.email, PASSWORD);
    const buyer = pages.buyer;
    await click(seller, "My bookings");
    await click(seller, "Deliver", { card: FIXTURE.project });
    await fill(seller, "What you delivered", "Six labels, print-ready.", { dialog: true });
    await click(seller, "Deliver", { dialog: true });
    await waitForText(seller, "Delivered: Six labels, print-ready.", { card: FIXTURE.project });

    await click(buyer, "My bookings");
    await waitForText(buyer, "Delivered: Six labels, print-ready.", { card: FIXTURE.project });
    await click(buyer, "Request revision", { card: FIXTURE.project });
    await fill(buyer, "What should change", "A darker yellow, please.", { dialog: true });
    await click(buyer, "Request revision", { dialog: true });
    await waitForText(buyer, "Revision asked (1): A darker yellow, please.", { card: FIXTURE.project });

    await waitForText(seller, "Revision asked (1): A darker yellow, please.", { card: FIXTURE.project }); // live
    await click(seller, "Deliver", { card: FIXTURE.project });
    await fill(seller, "What you delivered", "Darker yellow, as asked.", { dialog: true });
    await click(seller, "Deliver", { dialog: true });

    await waitForText(buyer, "Delivered: Darker yellow, as asked.", { card: FIXTURE.project });
    await click(buyer, "Complete", { card: FIXTURE.project });
    await waitForText(buyer, "Completed", { card: FIXTURE.project });
    await click(buyer, "Review", { card: FIXTURE.project });
    await waitForText(buyer, `How was working with ${PEOPLE.sasha.name}?`, { dialog: true });
    await buyer.click('dialog[open] input[name=rating][value="4"]');
    await fill(buyer, "Review", "Lovely bees; one round of changes.", { dialog: true });
    await click(buyer, "Publish review", { dialog: true });
    await buyer.waitForFunction(() => document.querySelector("dialog[open]") === null);
    await waitForNoText(buyer, "Review", { card: FIXTURE.project });

    await click(seller, "Reviews");
    await waitForText(seller, "Your rating: 4.0 ★ (1 review)");
    await waitForText(seller, "Lovely bees; one round of changes.");
    await screenshot(seller, "14-seller-reviews");
  });

  test("at 375 px wide the main screens do not scroll sideways", async () => {
    const screens = [
      [pages.buyer, ["#/jobs", "#/post", "#/bookings", "#/reviews"]],
      [pages.seller, ["#/offers", "#/bookings"]],
      [pages.admin, ["#/admin/review", "#/admin/jobs", "#/admin/gigs", "#/admin/bookings", "#/admin/audit"]],
    ];
    for (const [page, hashes] of screens) {
      await page.setViewport({ width: 375, height: 812 });
      for (const hash of hashes) {
        await page.evaluate((h) => { window.location.hash = h; }, hash);
        await page.waitForFunction(() => document.querySelector("main h1") && !document.body.innerText.includes("Loading…"));
        assert.equal(await scrollsSideways(page), false, `${hash} scrolls sideways at 375 px`);
      }
    }
    await screenshot(pages.seller, "15-mobile-seller-bookings");
    const admin = pages.admin;
    await admin.evaluate(() => { window.location.hash = "#/admin/jobs"; });
    await click(admin, "Assign sellers", { card: FIXTURE.openJob });
    await click(admin, `Preview ${PEOPLE.sam.name}`, { dialog: true });
    await waitForText(admin, FIXTURE.portfolio, { dialog: true });
    assert.equal(await scrollsSideways(admin), false, "the assignment modal scrolls sideways at 375 px");
    assert.equal(await admin.$eval("dialog[open]", (d) => d.scrollWidth > d.clientWidth), false);
    await screenshot(admin, "16-mobile-assignment-modal");
    await admin.keyboard.press("Escape");
    await admin.setViewport({ width: 1280, height: 900 });
  });

  test("a reload keeps the login; signing out ends it", async () => {
    const page = pages.buyer;
    await page.setViewport({ width: 1280, height: 900 });
    await page.reload();
    await page.waitForSelector("[data-testid=signed-in-as]", { timeout: 15_000 });
    assert.equal(await page.$eval("[data-testid=signed-in-as]", (el) => el.textContent), PEOPLE.buyer.name);
    await click(page, "Sign out");
    await waitForText(page, "Sign in as a buyer, a seller or an admin.");
    await page.reload();
    await waitForText(page, "Sign in as a buyer, a seller or an admin.");
    assert.equal(await page.$("[data-testid=signed-in-as]"), null);
  });
});
