// Runs Debian's Chromium headless for the browser tests, through puppeteer-core
// (which never downloads a browser): $CHROMIUM, default /usr/bin/chromium.
// Pages opened with openPage keep their console output and uncaught errors,
// so a failing browser test can say what the page saw.
import { existsSync } from "node:fs";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

/** Path of the Chromium binary the browser tests drive. */
export const CHROMIUM = process.env["CHROMIUM"] ?? "/usr/bin/chromium";

/**
 * The `skip` option of a browser suite: a reason when there is no Chromium,
 * unless GIGWIRE_E2E=require (as in `make test`), where a missing browser fails.
 */
export function chromiumSkipReason(): string | false {
  const required = process.env["GIGWIRE_E2E"] === "require";
  return !existsSync(CHROMIUM) && !required ? `Chromium not found at ${CHROMIUM} (set CHROMIUM)` : false;
}

/** Starts headless Chromium (no sandbox when running as root, which Chromium refuses otherwise). */
export async function launchChromium(): Promise<Browser> {
  const asRoot = process.getuid?.() === 0;
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless=new", ...(asRoot ? ["--no-sandbox"] : []), "--disable-gpu", "--disable-dev-shm-usage"],
  });
}

/** A page and what it logged. */
export interface LoggedPage {
  readonly page: Page;
  /** Console messages and uncaught errors, one per line. */
  log(): string;
}

/** Opens `url` in a new page of `browser` and waits for `global` to be defined on it (the harness loaded). */
export async function openPage(browser: Browser, url: string, global = "gigwireHarness"): Promise<LoggedPage> {
  const page = await browser.newPage();
  const lines: string[] = [];
  page.on("console", (message) => lines.push(`console.${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => lines.push(`page error: ${String(error)}`));
  page.on("requestfailed", (request) => lines.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  const log = (): string => lines.join("\n");
  const response = await page.goto(url, { waitUntil: "load" });
  if (response === null || !response.ok()) {
    throw new Error(`GET ${url}: ${response?.status() ?? "no response"}\n${log()}`);
  }
  await page.waitForFunction((name: string) => name in globalThis, { timeout: 10_000 }, global).catch((e: unknown) => {
    throw new Error(`${url}: no ${global} (${String(e)})\n${log()}`);
  });
  return { page, log };
}
