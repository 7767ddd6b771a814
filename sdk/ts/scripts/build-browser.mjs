// Builds the browser bundles of @gigwire/sdk with esbuild (run by `npm run
// build`, after scripts/gen.mjs; outputs are never committed):
//   dist/browser/gigwire-sdk.js   the browser entry (src/web.ts) as one ES
//                                 module, minified, with a source map
//   build/gigwire-sdk.meta.json   esbuild's metafile of it (which sources went in)
//   dist/test/browser-root/       the page of the browser tests: index.html
//                                 and harness.js (test/browser/harness.ts)
//   dist/examples/browser/        the browser example (examples/browser/):
//                                 index.html and watch-offers.js
// Fails when a bundle pulls in anything from Node (a node: import, the Node
// transport): the browser path must stay free of it.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const common = { bundle: true, format: "esm", platform: "browser", target: ["es2022"], logLevel: "warning" };

/** Throws when the bundle at `file` (with its metafile) contains Node-only code. */
function assertBrowserOnly(file, metafile) {
  const nodeInputs = Object.keys(metafile.inputs).filter((input) => /connect-node|^node:/.test(input));
  if (nodeInputs.length > 0) throw new Error(`${file}: bundles Node-only modules: ${nodeInputs.join(", ")}`);
  const text = readFileSync(file, "utf8");
  const nodeImport = /(?:from\s*|import\s*\(?\s*|require\s*\(\s*)["']node:/.exec(text);
  if (nodeImport) throw new Error(`${file}: imports from node: (${nodeImport[0]})`);
}

async function bundle(entry, outfile, options) {
  const result = await build({ ...common, ...options, entryPoints: [join(pkgDir, entry)], outfile, metafile: true });
  assertBrowserOnly(outfile, result.metafile);
  return result;
}

const sdkOut = join(pkgDir, "dist", "browser", "gigwire-sdk.js");
const sdk = await bundle("src/web.ts", sdkOut, { minify: true, sourcemap: true });
// Which sources went in (checked by test/web.browser.test.ts); kept out of the package.
mkdirSync(join(pkgDir, "build"), { recursive: true });
writeFileSync(join(pkgDir, "build", "gigwire-sdk.meta.json"), JSON.stringify(sdk.metafile, null, 1));

// The test page runs the shipped bundle: the harness's imports of the SDK's
// entry modules (src/web.ts, src/common.ts) resolve to ./gigwire-sdk.js, a
// copy of the bundle beside it, instead of being bundled again.
const useShippedBundle = {
  name: "gigwire-sdk-external",
  setup(plugin) {
    plugin.onResolve({ filter: /\/src\/(web|common)\.js$/ }, () => ({ path: "./gigwire-sdk.js", external: true }));
  },
};
const pageDir = join(pkgDir, "dist", "test", "browser-root");
mkdirSync(pageDir, { recursive: true });
await bundle("test/browser/harness.ts", join(pageDir, "harness.js"), { sourcemap: "inline", plugins: [useShippedBundle] });
for (const file of ["gigwire-sdk.js", "gigwire-sdk.js.map"]) copyFileSync(join(dirname(sdkOut), file), join(pageDir, file));
copyFileSync(join(pkgDir, "test", "browser", "index.html"), join(pageDir, "index.html"));

const exampleDir = join(pkgDir, "dist", "examples", "browser");
mkdirSync(exampleDir, { recursive: true });
await bundle("examples/browser/watch-offers.ts", join(exampleDir, "watch-offers.js"), { minify: true, sourcemap: true });
copyFileSync(join(pkgDir, "examples", "browser", "index.html"), join(exampleDir, "index.html"));
console.log("build-browser: src/web.ts -> dist/browser/gigwire-sdk.js; test page -> dist/test/browser-root/; example -> dist/examples/browser/");
