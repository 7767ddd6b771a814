// Runs a real `gigwired` for end-to-end tests: a fresh temp dir and database,
// an admin account created through `--create-admin`, the server started on a
// free port (read from its --ready-file), and a clean SIGTERM shutdown.
// Optionally with its gRPC-Web port (--web-listen, for the browser tests).
//
// The binary is $GIGWIRED, default <repo>/build/cmake/bin/gigwired.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file runs from sdk/ts/dist/test). */
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;

/** Flags raising the per-address auth rate limit, for suites that register many users. */
export const RELAXED_AUTH_LIMITS = ["--rate-auth-per-second", "1000", "--rate-auth-burst", "1000"] as const;

/** Path of the gigwired binary under test. */
export const GIGWIRED = process.env["GIGWIRED"] ?? join(REPO_ROOT, "build/cmake/bin/gigwired");

/** True when the binary exists (the e2e suite is skipped otherwise). */
/** The admin each end-to-end suite bootstraps with createAdmin, and the password of its users. */
export const ADMIN_EMAIL = "admin@example.com";
export const ADMIN_PASSWORD = "admin-password-123";
export const USER_PASSWORD = "user-password-1234";

/**
 * The `skip` option of an end-to-end suite: a reason when there is no gigwired to run
 * against, unless GIGWIRE_E2E=require (as in `make test`), where a missing server fails.
 */
export function e2eSkipReason(): string | false {
  const required = process.env["GIGWIRE_E2E"] === "require";
  return !gigwiredAvailable() && !required ? `gigwired not found at ${GIGWIRED} (set GIGWIRED)` : false;
}

export function gigwiredAvailable(): boolean {
  return existsSync(GIGWIRED);
}

/** A running server. */
export interface Gigwired {
  /** "127.0.0.1:PORT", from the ready file. */
  readonly address: string;
  /** The gRPC-Web port, "127.0.0.1:PORT" (the ready file's second line), when started with `web`. */
  readonly webAddress: string | undefined;
  readonly dir: string;
  /** Everything the server printed so far (stdout and stderr). */
  log(): string;
  /** Sends SIGTERM and resolves with the exit code (null if killed by a signal). */
  stop(): Promise<number | null>;
  /** SIGKILLs the server if still running and removes the temp dir. */
  dispose(): void;
}

/** Creates the admin account in a new database (gigwired --create-admin). */
export function createAdmin(dir: string, email: string, password: string): void {
  const result = spawnSync(
    GIGWIRED,
    ["--db", join(dir, "gigwire.db"), "--create-admin", email, "--insecure-fast-password-hashing"],
    { input: `${password}\n`, encoding: "utf8", timeout: READY_TIMEOUT_MS },
  );
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
    throw new Error(`--create-admin exited ${result.status} (${result.error ?? result.signal}): ${output}`);
  }
}

/** Makes a fresh temp dir for one server. */
export function makeServerDir(): string {
  return mkdtempSync(join(tmpdir(), "gigwire-e2e-"));
}

/** gigwired's gRPC-Web port (--web-listen and the flags that go with it). */
export interface WebOptions {
  /** HOST:PORT to serve gRPC-Web on; default 127.0.0.1:0 (a free port). */
  readonly listen?: string;
  /** Folder served at / (--web-root). */
  readonly root?: string;
  /** Other origins allowed to call (--web-origin, each). */
  readonly origins?: readonly string[];
}

/** How startGigwired starts the server beyond its defaults. */
export interface StartOptions {
  /** Also serve gRPC-Web; the server's webAddress is then set. */
  readonly web?: WebOptions;
}

/** The command-line flags of `web`. */
function webArgs(web: WebOptions | undefined): string[] {
  if (web === undefined) return [];
  const args = ["--web-listen", web.listen ?? "127.0.0.1:0"];
  if (web.root !== undefined) args.push("--web-root", web.root);
  for (const origin of web.origins ?? []) args.push("--web-origin", origin);
  return args;
}

/**
 * Starts gigwired on 127.0.0.1:0 and waits until its ready file names the port
 * (and the web port, with `options.web`). `extraArgs` are appended to the
 * command line (e.g. RELAXED_AUTH_LIMITS, or "--listen" with a fixed address).
 */
export async function startGigwired(
  dir: string,
  extraArgs: readonly string[] = [],
  options: StartOptions = {},
): Promise<Gigwired> {
  const ready = join(dir, "ready");
  const args = ["--listen", "127.0.0.1:0", "--db", join(dir, "gigwire.db"),
    "--ready-file", ready, "--insecure-fast-password-hashing", ...webArgs(options.web), ...extraArgs];
  const child = spawn(GIGWIRED, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = exitPromise(child);
  const lines = options.web === undefined ? 1 : 2;
  const [address, webAddress] = await waitForReadyFile(ready, lines, child, () => output).catch((e: unknown) => {
    child.kill("SIGKILL");
    throw e;
  });
  return {
    address: address!,
    webAddress,
    dir,
    log: () => output,
    stop: () => stopChild(child, exited),
    dispose: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function exitPromise(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

async function waitForReadyFile(path: string, lines: number, child: ChildProcess, log: () => string): Promise<string[]> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`gigwired exited early (${child.exitCode ?? child.signalCode}):\n${log()}`);
    }
    const addresses = readReadyFile(path, lines);
    if (addresses) return addresses;
    await sleep(50);
  }
  throw new Error(`gigwired wrote no ready file within ${READY_TIMEOUT_MS} ms:\n${log()}`);
}

/**
 * The addresses in the ready file once it is complete: `lines` lines, each
 * HOST:PORT (the gRPC port, then the web port).
 */
function readReadyFile(path: string, lines: number): string[] | undefined {
  if (!existsSync(path)) return undefined;
  const addresses = readFileSync(path, "utf8").trim().split("\n").map((line) => line.trim());
  const complete = addresses.length === lines && addresses.every((a) => /^[\w.\-[\]:]+:\d+$/.test(a));
  return complete ? addresses : undefined;
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill("SIGTERM");
  const timeout = sleep(STOP_TIMEOUT_MS).then(() => "timeout" as const);
  const result = await Promise.race([exited, timeout]);
  if (result === "timeout") {
    child.kill("SIGKILL");
    throw new Error(`gigwired did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
  }
  return result;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
