// The generated service facade (scripts/gen.mjs): a service or RPC added to the
// protos appears in SERVICES with nothing written by hand. Runs the generator on
// the real protos plus an extra one, in a temp dir, and compiles nothing: the
// output is checked as text (the real build type-checks the real output).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SERVICES } from "../src/index.js";
import { REPO_ROOT } from "./gigwired.js";

const WIDGET_PROTO = `
syntax = "proto3";
package gigwire.v1;
// Widgets, a resource added after the SDK was written.
service WidgetService {
  rpc ListWidgets(ListWidgetsRequest) returns (ListWidgetsResponse);
}
// Not a collection: no RPC named after "Statuses".
service StatusService {
  rpc GetStatus(Widget) returns (Widget);
}
message Widget { string id = 1; }
message ListWidgetsRequest {}
message ListWidgetsResponse { repeated Widget widgets = 1; }
`;

describe("scripts/gen.mjs", () => {
  it("puts a service added to the protos in SERVICES and all.ts", () => {
    const tmp = mkdtempSync(join(tmpdir(), "gigwire-gen-test-"));
    try {
      const protoRoot = join(tmp, "proto");
      cpSync(join(REPO_ROOT, "proto"), protoRoot, { recursive: true });
      writeFileSync(join(protoRoot, "gigwire/v1/widget.proto"), WIDGET_PROTO);
      const out = join(tmp, "gen");
      execFileSync(process.execPath, [join(REPO_ROOT, "sdk/ts/scripts/gen.mjs")], {
        env: { ...process.env, GIGWIRE_PROTO_ROOT: protoRoot, GIGWIRE_GEN_OUT: out },
        stdio: "ignore",
      });
      const services = readFileSync(join(out, "services.ts"), "utf8").split("\n");
      assert.ok(services.includes('import { WidgetService } from "./gigwire/v1/widget_pb.js";'));
      assert.ok(services.includes("  widgets: WidgetService,"));
      assert.ok(services.includes("  status: StatusService,"));
      assert.ok(services.includes("  jobs: JobService,"));
      const all = readFileSync(join(out, "all.ts"), "utf8").split("\n");
      assert.ok(all.includes('export * from "./gigwire/v1/widget_pb.js";'));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("names today's services as the SDK always has", () => {
    assert.deepEqual(Object.keys(SERVICES).sort(), [
      "apiKeys", "assignments", "audit", "auth", "bookings", "catalog", "conversations", "disputes", "events",
      "files", "jobs", "ledger", "milestones", "notifications", "offers", "payments", "payouts", "portfolio",
      "proposals", "reviews", "sellers", "users",
    ]);
    assert.equal(SERVICES.milestones.typeName, "gigwire.v1.MilestoneService");
    assert.equal(SERVICES.ledger.typeName, "gigwire.v1.LedgerService");
    assert.equal(SERVICES.apiKeys.typeName, "gigwire.v1.ApiKeyService");
    assert.equal(SERVICES.proposals.typeName, "gigwire.v1.ProposalService");
    assert.equal(SERVICES.portfolio.typeName, "gigwire.v1.PortfolioService");
  });
});
