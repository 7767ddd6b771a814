// A seller logs in and follows its offers live, resuming across disconnects,
// until Ctrl-C (against `make run`'s demo data).
//   npm run build && node dist/examples/watch-offers.js [host:port]
import { EventType, GigwireError, createClient } from "../src/index.js";

const client = createClient({ baseUrl: process.argv[2] ?? "127.0.0.1:50051" });
const stop = new AbortController();
process.on("SIGINT", () => stop.abort());
try {
  // A client calling as Sam, refreshing the access token before it expires.
  const sam = await client.login("sam@demo.gigwire.dev", "gigwire-demo-password");
  const page = await sam.offers.listOffers({});
  console.log(`${page.offers.length} offers now; watching for changes`);
  for await (const event of sam.watchOffers({ resumeCursor: page.eventCursor, signal: stop.signal })) {
    console.log(`${EventType[event.type]}: ${event.offer?.id} for job ${event.offer?.jobId}`);
  }
} catch (e) {
  console.error(e instanceof GigwireError ? `${e.code} ${e.reason}: ${e.rawMessage}` : e);
  process.exitCode = 1;
} finally {
  client.close();
}
