// Assertions shared by the end-to-end suites.
import assert from "node:assert/strict";
import { type GigwireCode, GigwireError } from "../src/index.js";

/** Awaits a call that must fail; asserts its code and reason; returns the error. */
export async function expectError(call: Promise<unknown>, code: GigwireCode, reason: string): Promise<GigwireError> {
  const err = await call.then(
    (value) => assert.fail(`expected ${code}/${reason}, got success: ${JSON.stringify(value, bigints)}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof GigwireError, `expected GigwireError, got ${String(err)}`);
  assert.equal(`${err.code}/${err.reason}`, `${code}/${reason}`, `message: ${err.rawMessage}`);
  return err;
}

/** JSON.stringify replacer that prints bigints (int64 fields) as strings. */
export function bigints(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
