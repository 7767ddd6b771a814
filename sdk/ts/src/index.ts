// Public entry point of @gigwire/sdk for Node.js: createClient over HTTP/2
// (client.ts), plus everything the browser entry (web.ts) exports as well
// (common.ts): the client's types, typed errors and credentials, and the
// generated message types, enums and service descriptors of gigwire.v1.
export { type ClientOptions, createClient } from "./client.js";
export * from "./common.js";
