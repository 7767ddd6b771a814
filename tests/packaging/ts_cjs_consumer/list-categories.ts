// The CommonJS consumer: a project made by `npm init -y` (no "type": "module"),
// compiled by tsc to require() calls. It lists the marketplace's categories
// through the installed @gigwire/sdk without signing in; exits 0 when the call
// succeeds. (tests/packaging/run.sh also runs plain-JavaScript require()s.)
//   node list-categories.js HOST:PORT
import { type Category, GigwireError, createClient } from "@gigwire/sdk";

async function main(address: string): Promise<void> {
  const client = createClient({ baseUrl: address });
  try {
    const categories: Category[] = (await client.catalog.listCategories({})).categories;
    console.log(`${categories.length} categories (CommonJS)`);
  } catch (e) {
    const reason = e instanceof GigwireError ? `${e.code} ${e.reason}` : String(e);
    console.error(`ListCategories failed: ${reason}`);
    process.exitCode = 1;
  } finally {
    client.close();
  }
}

const address = process.argv[2];
if (address === undefined) throw new Error("usage: node list-categories.js HOST:PORT");
void main(address);
