// A buyer logs in and posts a job (against `make run`'s demo data).
//   npm run build && node dist/examples/post-job.js [host:port]
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { GigwireError, JobState, createClient } from "../src/index.js";

const client = createClient({ baseUrl: process.argv[2] ?? "127.0.0.1:50051" });
try {
  const ada = await client.login("ada@demo.gigwire.dev", "gigwire-demo-password");
  const { categories } = await ada.catalog.listCategories({});
  const usd = (amountMinor: bigint) => ({ currencyCode: "USD", amountMinor });
  const job = await ada.jobs.createJob({
    // requestId left empty: the SDK fills one in, so a retried call posts once
    job: {
      title: "Logo for a bakery",
      description: "Round, warm colours; SVG and PNG.",
      categoryId: categories[0]!.id,
      skills: ["logo"],
      budget: { min: usd(20_000n), max: usd(50_000n) },
      dueTime: timestampFromDate(new Date(Date.now() + 14 * 86_400_000)),
    },
  });
  console.log(`posted ${job.id}: ${JobState[job.state]}`);
} catch (e) {
  console.error(e instanceof GigwireError ? `${e.code} ${e.reason}: ${JSON.stringify(e.fieldViolations)}` : e);
  process.exitCode = 1;
} finally {
  client.close();
}
