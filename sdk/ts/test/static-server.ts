// A small static HTTP server for the browser tests: serves the files of one
// folder (GET, index.html for /) and answers anything else 404, recording
// every request, so that a page can be loaded from an origin other than
// gigwired's (cross-origin calls, a page origin with no gRPC-Web server).
import { readFile } from "node:fs/promises";
import { type AddressInfo } from "node:net";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json",
};

/** A request the server saw. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface StaticServer {
  /** "http://127.0.0.1:PORT" */
  readonly origin: string;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

/** Serves `root` on 127.0.0.1 on a free port. */
export async function serveDirectory(root: string): Promise<StaticServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push({ method: req.method ?? "", path, headers: req.headers });
    const file = normalize(join(root, path === "/" ? "index.html" : path));
    if (req.method !== "GET" || !file.startsWith(root)) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
