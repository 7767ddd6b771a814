// The SDK conformance scenario (tests/conformance/scenario.json; its step
// format in tests/conformance/README.md), run through the TypeScript SDK's
// Node client against a real `gigwired`, by the environment-neutral
// interpreter of conformance-runner.ts (which the browser run shares).
// Skipped when the binary is missing unless GIGWIRE_E2E=require.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type GigwireClient, createClient } from "../src/index.js";
import { type Scenario, ScenarioRunner, stepFailure } from "./conformance-runner.js";
import {
  type Gigwired,
  RELAXED_AUTH_LIMITS,
  REPO_ROOT,
  createAdmin,
  e2eSkipReason,
  makeServerDir,
  startGigwired,
} from "./gigwired.js";

const skip = e2eSkipReason();

describe("conformance scenario (TypeScript SDK)", { skip }, () => {
  let server: Gigwired;
  let anonymous: GigwireClient;

  const scenario = JSON.parse(readFileSync(join(REPO_ROOT, "tests/conformance/scenario.json"), "utf8")) as Scenario;

  before(async () => {
    const dir = makeServerDir();
    createAdmin(dir, "admin@example.com", "admin-password-123");
    server = await startGigwired(dir, [...RELAXED_AUTH_LIMITS, ...(scenario.server_flags ?? [])]);
    anonymous = createClient({ baseUrl: server.address });
  });

  after(() => {
    anonymous?.close();
    server?.dispose();
  });

  it("runs every step of tests/conformance/scenario.json", async () => {
    const runner = new ScenarioRunner(anonymous, assert);
    try {
      for (const [index, step] of scenario.steps.entries()) {
        try {
          await runner.run(step);
        } catch (e) {
          assert.fail(stepFailure(index, step, e));
        }
      }
    } finally {
      runner.close();
    }
  });
});
