// Builds the CommonJS half of @gigwire/sdk's dual package into dist/cjs/, for
// consumers that `require("@gigwire/sdk")` (a default `npm init` project).
//
// TypeScript picks a file's module format from the package.json nearest to the
// source file, and this package is "type": "module". So the sources (src/,
// including the generated src/gen/) are copied to build/cjs-src/, beside a
// package.json saying "type": "commonjs", and compiled from there with
// tsconfig.cjs.json (NodeNext resolution, so dependencies resolve through
// their "require" conditions). dist/cjs/ gets the same package.json marker so
// that Node loads its .js files as CommonJS. Run after scripts/gen.mjs.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const sourceDir = join(pkgDir, "build", "cjs-src");
const outDir = join(pkgDir, "dist", "cjs");
const commonjs = `${JSON.stringify({ type: "commonjs" })}\n`;

rmSync(sourceDir, { recursive: true, force: true });
rmSync(outDir, { recursive: true, force: true });
mkdirSync(sourceDir, { recursive: true });
cpSync(join(pkgDir, "src"), join(sourceDir, "src"), { recursive: true });
writeFileSync(join(sourceDir, "package.json"), commonjs);
execFileSync(
  process.execPath,
  [join(pkgDir, "node_modules", "typescript", "bin", "tsc"), "-p", join(pkgDir, "tsconfig.cjs.json")],
  { cwd: pkgDir, stdio: "inherit" },
);
writeFileSync(join(outDir, "package.json"), commonjs);
console.log("build-cjs: src -> dist/cjs (CommonJS)");
