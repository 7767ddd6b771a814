// Browser example of @gigwire/sdk (the page: index.html beside it): a seller
// signs in and sees its offers, then every change live, resuming by itself
// across disconnects. In an app, import from "@gigwire/sdk/web".
//   npm run build, then: gigwired --demo-data --web-listen 127.0.0.1:8080 \
//     --web-root sdk/ts/dist/examples/browser   and open http://127.0.0.1:8080/
import { EventType, GigwireError, type Offer, OfferState, createClient } from "../../src/web.js";

const client = createClient(); // the page's origin: gigwired's web port

const form = document.querySelector<HTMLFormElement>("#login")!;
const status = document.querySelector<HTMLElement>("#status")!;
const list = document.querySelector<HTMLUListElement>("#offers")!;

function show(offer: Offer): void {
  const item = document.getElementById(offer.id) ?? list.appendChild(document.createElement("li"));
  item.id = offer.id;
  item.textContent = `${offer.id} for job ${offer.jobId}: ${OfferState[offer.state]}`;
}

form.addEventListener("submit", async (submit) => {
  submit.preventDefault();
  const fields = new FormData(form);
  try {
    const seller = await client.login(String(fields.get("email")), String(fields.get("password")));
    const page = await seller.offers.listOffers({});
    page.offers.forEach(show);
    status.textContent = `${page.offers.length} offers; watching for changes`;
    for await (const event of seller.watchOffers({ resumeCursor: page.eventCursor })) {
      if (event.offer) show(event.offer);
      status.textContent = `${EventType[event.type]} at ${new Date().toLocaleTimeString()}`;
    }
  } catch (e) {
    // e.g. "UNAUTHENTICATED INVALID_CREDENTIALS": act on e.code and e.reason
    status.textContent = e instanceof GigwireError ? `${e.code} ${e.reason}: ${e.rawMessage}` : String(e);
  }
});
