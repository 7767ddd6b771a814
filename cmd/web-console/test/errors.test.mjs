// Unit tests of src/errors.ts, the console's "reason in words": every ErrorReason of
// errors.proto has a sentence, and failures built as the SDK builds them (a ConnectError
// carrying gigwire.v1.ErrorDetails) are explained with their state, wait and fields.
// esbuild bundles src/errors.ts with the SDK's browser entry from source, as build.mjs does.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";

const here = fileURLToPath(new URL("..", import.meta.url));
const sdk = join(here, "../../sdk/ts");
let m, dir;

before(async () => {
  const result = await esbuild.build({
    stdin: {
      contents: `export * from "./src/errors.ts";
        export { ErrorReason, ErrorReasonSchema, ErrorDetailsSchema, toGigwireError } from "@gigwire/sdk/web";
        export { Code, ConnectError } from "@connectrpc/connect";`,
      resolveDir: here, loader: "ts",
    },
    bundle: true, write: false, format: "esm", platform: "neutral",
    alias: { "@gigwire/sdk/web": join(sdk, "src/web.ts") }, nodePaths: [join(sdk, "node_modules")], logLevel: "error",
  });
  dir = mkdtempSync(join(tmpdir(), "console-errors-"));
  writeFileSync(join(dir, "errors.mjs"), result.outputFiles[0].text);
  m = await import(pathToFileURL(join(dir, "errors.mjs")).href);
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** A GigwireError as a failed call produces it. */
function failure(code, reason, { metadata = {}, fields = [], retryAfterMs = 0n, message = "the server's message" } = {}) {
  const details = { reason: m.ErrorReason[reason], metadata, fieldViolations: fields, retryAfterMs };
  return m.toGigwireError(new m.ConnectError(message, code, undefined, [{ desc: m.ErrorDetailsSchema, value: details }]));
}

test("every ErrorReason of errors.proto has a sentence", () => {
  const names = m.ErrorReasonSchema.values.map((v) => v.name).filter((n) => n !== "ERROR_REASON_UNSPECIFIED");
  assert.ok(names.length >= 39);
  assert.deepEqual(names.filter((n) => !m.REASON_SENTENCES[n]), []);
});

test("a wrong password reads as invalid credentials, not as a lost login", () => {
  const e = m.explain(failure(m.Code.Unauthenticated, "INVALID_CREDENTIALS", { message: "invalid email or password" }));
  assert.equal(e.sentence, "Invalid credentials: that email and password do not match an account.");
  assert.equal(e.detail, "invalid email or password");
  assert.equal(e.reason, "INVALID_CREDENTIALS");
  assert.equal(e.signedOut, false);
  assert.equal(m.explain(failure(m.Code.Unauthenticated, "TOKEN_EXPIRED")).signedOut, true);
});

test("the current state, the wait and invalid fields are part of the explanation", () => {
  const state = m.explain(failure(m.Code.FailedPrecondition, "INVALID_STATE", { metadata: { current_state: "BOOKED" } }));
  assert.equal(state.sentence, "That is not possible now: it is booked.");
  const limited = m.explain(failure(m.Code.ResourceExhausted, "RATE_LIMITED", { retryAfterMs: 2500n }));
  assert.equal(limited.sentence, "Too many attempts. Try again in 3 s.");
  const fields = m.explain(failure(m.Code.InvalidArgument, "INVALID_FIELDS", {
    fields: [{ field: "job.title", description: "must be 5..120 characters" }],
  }));
  assert.equal(fields.sentence, "Some fields need fixing.");
  assert.deepEqual(m.fieldErrors(fields, "title"), ["must be 5..120 characters"]);
  assert.deepEqual(m.fieldErrors(fields, "description"), []);
});

test("without a reason the status code is explained; other failures are the console's", () => {
  const e = m.explain(m.toGigwireError(new m.ConnectError("connection refused", m.Code.Unavailable)));
  assert.equal(e.sentence, "The server cannot be reached. Check the connection and try again.");
  assert.equal(m.explain(new Error("boom")).sentence, "Something went wrong in the console.");
});
