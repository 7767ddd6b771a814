// The console's one door to the Gigwire SDK: everything it uses comes from the SDK's
// browser entry, @gigwire/sdk/web (gRPC-Web to the same origin). build.mjs points the
// import at the SDK's TypeScript source, so the console always builds against this tree.
export * from "@gigwire/sdk/web";
