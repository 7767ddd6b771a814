// TLS end to end: a gigwired serving a self-signed certificate (made here by
// the openssl CLI) is reachable through createClient's rootCertificatesPem, and
// refused without it (Node's default roots do not trust it).
//
// Skipped when the binary is missing unless GIGWIRE_E2E=require.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { GigwireError, createClient } from "../src/index.js";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  type Gigwired,
  createAdmin,
  e2eSkipReason,
  makeServerDir,
  startGigwired,
} from "./gigwired.js";

const skip = e2eSkipReason();

/** A self-signed certificate for 127.0.0.1 in `dir`: [certificate path, key path]. */
function selfSignedCertificate(dir: string): [string, string] {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert,
  ], { stdio: "ignore", timeout: 60_000 });
  return [cert, key];
}

describe("TLS with a private CA, end to end", { skip }, () => {
  let server: Gigwired;
  let cert: string;

  before(async () => {
    const dir = makeServerDir();
    createAdmin(dir, ADMIN_EMAIL, ADMIN_PASSWORD);
    const [certPath, key] = selfSignedCertificate(dir);
    cert = certPath;
    server = await startGigwired(dir, ["--tls-cert", cert, "--tls-key", key]);
  });

  after(() => server?.dispose());

  it("rootCertificatesPem makes the server's certificate trusted", async () => {
    for (const baseUrl of [server.address, `https://${server.address}`]) {
      const client = createClient({ baseUrl, rootCertificatesPem: readFileSync(cert, "utf8") });
      try {
        const login = await client.auth.login({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
        assert.equal(login.user?.email, ADMIN_EMAIL);
        assert.deepEqual((await client.catalog.listCategories({})).categories, []);
      } finally {
        client.close();
      }
    }
  });

  it("without it the handshake fails (Connect reports INTERNAL: self-signed certificate)", async () => {
    const client = createClient({ baseUrl: `https://${server.address}` });
    try {
      await assert.rejects(client.catalog.listCategories({}), (e: unknown) => {
        assert.ok(e instanceof GigwireError, String(e));
        assert.equal(e.code, "INTERNAL", e.message);
        assert.match(e.message, /self-signed certificate/);
        return true;
      });
    } finally {
      client.close();
    }
  });

  it("an http:// baseUrl with rootCertificatesPem is a usage error", () => {
    assert.throws(
      () => createClient({ baseUrl: `http://${server.address}`, rootCertificatesPem: readFileSync(cert) }),
      /rootCertificatesPem needs an https:\/\/ baseUrl/,
    );
  });
});
