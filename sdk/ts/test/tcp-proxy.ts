// A loopback TCP proxy for end-to-end tests that cuts every connection through
// it when told (cutAll), so that a client's streams break at known moments.
// Each accepted connection gets its own upstream connection; a cut resets both
// sides (RST) or closes them (FIN), as a dropped network or a crashed peer
// would. The listener stays up after cuts.
//
//   const proxy = await CuttingProxy.start(server.address);
//   const client = createClient({ baseUrl: proxy.address, token });
//   ... proxy.cutAll() ...
//   await proxy.close();
import net from "node:net";

interface Link {
  readonly downstream: net.Socket;
  readonly upstream: net.Socket;
}

export class CuttingProxy {
  /** Connections accepted so far (a client that reconnects after a cut adds one). */
  accepted = 0;
  private readonly links = new Set<Link>();

  private constructor(
    private readonly server: net.Server,
    /** "127.0.0.1:PORT" to connect to instead of the target. */
    readonly address: string,
  ) {}

  /** Starts a proxy on 127.0.0.1 in front of `target` ("host:port"). */
  static async start(target: string): Promise<CuttingProxy> {
    const colon = target.lastIndexOf(":");
    const host = target.slice(0, colon);
    const port = Number(target.slice(colon + 1));
    let proxy: CuttingProxy | undefined;
    const server = net.createServer((downstream) => proxy!.link(downstream, host, port));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port: listening } = server.address() as net.AddressInfo;
    proxy = new CuttingProxy(server, `127.0.0.1:${listening}`);
    return proxy;
  }

  /**
   * Closes every live connection now, with a TCP reset (`reset`, the default)
   * or a plain close; returns how many there were.
   */
  cutAll(reset = true): number {
    const links = [...this.links];
    this.links.clear();
    for (const { downstream, upstream } of links) {
      for (const socket of [downstream, upstream]) {
        if (reset) socket.resetAndDestroy();
        else socket.destroy();
      }
    }
    return links.length;
  }

  /** Cuts everything and stops listening. */
  async close(): Promise<void> {
    this.cutAll();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private link(downstream: net.Socket, host: string, port: number): void {
    this.accepted++;
    const upstream = net.connect(port, host);
    const link = { downstream, upstream };
    this.links.add(link);
    const drop = (): void => {
      if (!this.links.delete(link)) return;
      downstream.destroy();
      upstream.destroy();
    };
    for (const socket of [downstream, upstream]) {
      socket.on("error", drop);
      socket.on("close", drop);
    }
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  }
}
