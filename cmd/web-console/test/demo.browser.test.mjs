// The console against the demo marketplace, as `make run` serves it: gigwired with
// --demo-data on its web port, and the demo accounts of the README signing in. Each role
// lands on its screens and finds the demo's own data there (see server/domain/demo_data.cc).
//
// Skipped when gigwired (with --web-listen), Chromium or the console build is missing,
// unless GIGWIRE_E2E=require (as in `make test`).
import { after, before, describe, test } from "node:test";
import { click, launchBrowser, signIn, skipReason, startServer, waitForText } from "./harness.mjs";

const DEMO_PASSWORD = "gigwire-demo-password";
const demo = (name) => `${name}@demo.gigwire.dev`;

describe("web console on the demo data", { skip: skipReason() }, () => {
  let server, browser;

  before(async () => {
    server = await startServer({ demoData: true });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (process.env.GIGWIRE_E2E_LOG) console.log(server?.log());
    await server?.stop();
  });

  test("the admin finds the demo's two jobs in the review queue", async () => {
    const page = await signIn(await browser.createBrowserContext(), server.web, demo("admin"), DEMO_PASSWORD);
    await waitForText(page, "2 jobs waiting for review.");
    await waitForText(page, "Illustrated menu for the spring season");
    await waitForText(page, "Blog posts about remote teams");
  });

  test("Ada (a buyer) finds her jobs, and her completed booking with Sam", async () => {
    const page = await signIn(await browser.createBrowserContext(), server.web, demo("ada"), DEMO_PASSWORD);
    await waitForText(page, "Logo for a bakery chain");
    await click(page, "My bookings");
    await waitForText(page, "Completed");
    await waitForText(page, "Sam Rivera");
  });

  test("Sam (a seller) finds his offers and bookings", async () => {
    const page = await signIn(await browser.createBrowserContext(), server.web, demo("sam"), DEMO_PASSWORD);
    await waitForText(page, "Logo for a bakery chain"); // his accepted offer
    await click(page, "My bookings");
    await waitForText(page, "Logo for a bakery chain");
  });
});
