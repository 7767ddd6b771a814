// Builds the web console into <repo>/build/web-console/ (served by `gigwired --web-root`):
// esbuild bundles src/main.tsx (Preact, JSX compiled by esbuild) with the SDK's browser
// entry taken from source (sdk/ts/src/web.ts, with the SDK's own npm dependencies), and
// copies index.html and the stylesheet. Needs `npm ci` here and in sdk/ts, and the SDK's
// generated code (sdk/ts/src/gen, `make ts`). Usage: node build.mjs [--watch]
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "../..");
const sdk = join(repo, "sdk/ts");
const out = join(repo, "build/web-console");

for (const [path, hint] of [
  [join(sdk, "src/gen/services.ts"), "the SDK's generated code is missing: run `make ts` (or `npm run gen` in sdk/ts)"],
  [join(sdk, "node_modules/@connectrpc/connect-web"), "the SDK's npm dependencies are missing: run `npm ci` in sdk/ts"],
]) {
  if (!existsSync(path)) {
    console.error(`web-console: ${hint}`);
    process.exit(1);
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
copyFileSync(join(here, "public/index.html"), join(out, "index.html"));

const options = {
  entryPoints: { app: join(here, "src/main.tsx"), styles: join(here, "public/styles.css") },
  outdir: out,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["chrome110", "firefox115", "safari16"],
  jsx: "automatic",
  jsxImportSource: "preact",
  minify: true,
  sourcemap: "linked",
  legalComments: "linked",
  // The SDK from source, and its dependencies from the SDK's own node_modules (one copy).
  alias: { "@gigwire/sdk/web": join(sdk, "src/web.ts") },
  nodePaths: [join(sdk, "node_modules")],
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
};

if (process.argv.includes("--watch")) {
  const context = await esbuild.context(options);
  await context.watch();
  console.log(`web-console: watching; output in ${out}`);
} else {
  const result = await esbuild.build({ ...options, metafile: true });
  const bytes = Object.entries(result.metafile.outputs)
    .filter(([file]) => !file.endsWith(".map"))
    .reduce((sum, [, o]) => sum + o.bytes, 0);
  if (process.argv.includes("--verbose")) console.log(`web-console: built ${out} (${Math.round(bytes / 1024)} KiB)`);
}
