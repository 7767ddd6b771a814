// Test harness of the console's browser tests: a real gigwired with its web port serving
// build/web-console (fresh temp dir and database, an admin from --create-admin), Debian's
// Chromium driven by puppeteer-core (never a downloaded browser), and page helpers that
// find things by what a person sees (button names, texts) rather than by CSS structure.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const GIGWIRED = process.env.GIGWIRED ?? join(REPO, "build/cmake/bin/gigwired");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const WEB_ROOT = join(REPO, "build/web-console");
export const SCREENSHOTS = join(REPO, "build/screenshots");
export const ADMIN_EMAIL = "admin@example.com";
export const ADMIN_PASSWORD = "admin-password-123";
export const PASSWORD = "user-password-1234";
/** How long a page may take to show what a step waits for. */
export const STEP_TIMEOUT_MS = 15_000;

/** Why the suite cannot run here, or false; under GIGWIRE_E2E=require nothing is skipped. */
export function skipReason() {
  if (process.env.GIGWIRE_E2E === "require") return false;
  if (!existsSync(GIGWIRED)) return `gigwired not found at ${GIGWIRED}`;
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (set CHROMIUM)`;
  if (!existsSync(join(WEB_ROOT, "index.html"))) return "the console is not built (make console)";
  const help = spawnSync(GIGWIRED, ["--help"], { encoding: "utf8" });
  if (!`${help.stdout}${help.stderr}`.includes("--web-listen")) return "this gigwired has no --web-listen";
  return false;
}

/**
 * Starts gigwired in a fresh temp dir with an admin, relaxed auth rate limits and its
 * web port on a free port serving the console; `args` are more flags (e.g. a platform
 * fee). Resolves { grpc, web, stop, log }.
 */
export async function startServer({ demoData = false, args = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "gigwire-console-"));
  const db = join(dir, "gigwire.db");
  if (!demoData) {
    const admin = spawnSync(GIGWIRED, ["--db", db, "--create-admin", ADMIN_EMAIL, "--insecure-fast-password-hashing"],
      { input: `${ADMIN_PASSWORD}\n`, encoding: "utf8", timeout: 20_000 });
    if (admin.status !== 0) throw new Error(`--create-admin failed: ${admin.stdout}${admin.stderr}`);
  }
  const ready = join(dir, "ready");
  const child = spawn(GIGWIRED, [
    "--listen", "127.0.0.1:0", "--db", db, "--ready-file", ready, "--insecure-fast-password-hashing",
    "--rate-auth-per-second", "1000", "--rate-auth-burst", "1000",
    "--web-listen", "127.0.0.1:0", "--web-root", WEB_ROOT, ...(demoData ? ["--demo-data"] : []), ...args,
  ], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const [grpc, web] = await readyAddresses(ready, child, () => output);
  return {
    grpc,
    web: `http://${web}`,
    log: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The ready file's two lines (gRPC address, web address) once both are written. */
async function readyAddresses(path, child, log) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`gigwired exited (${child.exitCode}):\n${log()}`);
    if (existsSync(path)) {
      const lines = readFileSync(path, "utf8").split("\n").map((l) => l.trim()).filter(Boolean);
      if (lines.length >= 2 && lines.every((l) => /:\d+$/.test(l))) return lines;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`gigwired wrote no ready file with two addresses:\n${log()}`);
}

/** Debian's Chromium, headless; no sandbox when running as root (CI, containers). */
export async function launchBrowser() {
  const root = process.getuid?.() === 0;
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless=new", ...(root ? ["--no-sandbox"] : []), "--disable-dev-shm-usage"],
    defaultViewport: { width: 1280, height: 900 },
  });
}

/** Writes build/screenshots/NAME.png (the full page, or the open dialog's page view). */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Installed in every document of a test page: window.__scope(scope) is the whole page,
 * the open dialog ({ dialog: true }), or the card (a list item) whose text contains
 * `card` ({ card: "title" }, also inside the dialog).
 */
function installScope() {
  window.__scope = (scope) => {
    const dialog = document.querySelector("dialog[open]");
    const root = scope?.dialog ? dialog : document.body;
    if (!root || !scope?.card) return root;
    return [...root.querySelectorAll("li.card, li.seller-row")].find((li) => li.innerText.includes(scope.card)) ?? null;
  };
}

/** A new page of `context` with the scope helper installed. */
export async function newPage(context) {
  const page = await context.newPage();
  await page.evaluateOnNewDocument(installScope);
  return page;
}

/** Waits until the scope's visible text contains `text`. */
export async function waitForText(page, text, scope = {}) {
  await page.waitForFunction(
    (s, t) => {
      const root = window.__scope(s);
      return root !== null && root.innerText.includes(t);
    },
    { timeout: STEP_TIMEOUT_MS },
    scope, text,
  );
}

/** Waits until the scope's visible text no longer contains `text`. */
export async function waitForNoText(page, text, scope = {}) {
  await page.waitForFunction((s, t) => !(window.__scope(s)?.innerText ?? "").includes(t), { timeout: STEP_TIMEOUT_MS }, scope, text);
}

/** The scope's visible text. */
export async function textOf(page, scope = {}) {
  return page.evaluate((s) => window.__scope(s)?.innerText ?? "", scope);
}

/** Clicks the enabled button (or link) named `name` (its text or aria-label) in the scope. */
export async function click(page, name, scope = {}) {
  const handle = await page.waitForFunction(
    (s, n) => {
      const root = window.__scope(s);
      if (!root) return null;
      return [...root.querySelectorAll("button, a")].find((b) =>
        !b.disabled && (b.textContent.trim() === n || b.getAttribute("aria-label") === n)) ?? null;
    },
    { timeout: STEP_TIMEOUT_MS },
    scope, name,
  );
  await handle.asElement().click();
}

/** Clicks the checkbox whose accessible name is `name` inside the open dialog, once it is shown. */
export async function check(page, name) {
  const selector = `dialog[open] input[type=checkbox][aria-label="${name}"]`;
  await page.waitForSelector(selector, { timeout: STEP_TIMEOUT_MS });
  await page.click(selector);
}

/** Types into the field whose label text starts with `label` (replacing its value). */
export async function fill(page, label, value, scope = {}) {
  const handle = await fieldHandle(page, label, scope);
  await handle.click({ clickCount: 3 });
  await handle.evaluate((el) => { el.value = ""; });
  await handle.type(value);
}

/** Chooses the option whose text starts with `optionText` in the select labelled `label`. */
export async function choose(page, label, optionText, scope = {}) {
  const handle = await fieldHandle(page, label, scope);
  const value = await handle.evaluate((select, t) =>
    [...select.options].find((o) => o.textContent.trim().startsWith(t))?.value, optionText);
  if (value === undefined) throw new Error(`no option "${optionText}" in "${label}"`);
  await handle.select(value);
}

async function fieldHandle(page, label, scope) {
  const handle = await page.waitForFunction(
    (s, l) => {
      const root = window.__scope(s);
      if (!root) return null;
      const found = [...root.querySelectorAll("label")].find((el) => el.textContent.trim().startsWith(l));
      return found?.querySelector("input, select, textarea") ?? null;
    },
    { timeout: STEP_TIMEOUT_MS },
    scope, label,
  );
  return handle.asElement();
}

/** Opens the console in a new page of `context` and signs in; resolves the page. */
export async function signIn(context, web, email, password) {
  const page = await newPage(context);
  await page.goto(web);
  await fill(page, "Email", email);
  await fill(page, "Password", password);
  await page.keyboard.press("Enter");
  await page.waitForSelector("[data-testid=signed-in-as]", { timeout: STEP_TIMEOUT_MS });
  return page;
}

/** Whether the page scrolls sideways (its content is wider than the viewport). */
export async function scrollsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}
