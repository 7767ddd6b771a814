// Generates the protobuf-es code for every gigwire proto into src/gen/.
//
// Uses protoc (env PROTOC, default "protoc" on PATH, e.g. Debian's
// /usr/bin/protoc) with the protoc-gen-es plugin installed by npm. The output
// is gitignored and rebuilt on every build; never edit it by hand.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const protoRoot = join(pkgDir, "..", "..", "proto");
const outDir = join(pkgDir, "src", "gen");
const plugin = join(pkgDir, "node_modules", ".bin", "protoc-gen-es");

/** Lists every .proto file under dir, as paths relative to protoRoot. */
function listProtos(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listProtos(path);
    return entry.name.endsWith(".proto") ? [relative(protoRoot, path)] : [];
  });
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const protos = listProtos(join(protoRoot, "gigwire")).sort();
execFileSync(
  process.env.PROTOC ?? "protoc",
  [
    `--plugin=protoc-gen-es=${plugin}`,
    `--es_out=${outDir}`,
    "--es_opt=target=ts,import_extension=js",
    `-I${protoRoot}`,
    ...protos,
  ],
  { cwd: protoRoot, stdio: "inherit" },
);
console.log(`gen: ${protos.length} protos -> ${relative(pkgDir, outDir)}`);
