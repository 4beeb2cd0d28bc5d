import { createServer } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";

/** A forward proxy on loopback that records every tunnel asked of it. */
export interface ConnectProxy {
  /** `http://127.0.0.1:PORT`, for HTTPS_PROXY/HTTP_PROXY. */
  url: string;
  /** `host:port` of every CONNECT, in order. */
  tunnels: string[];
  stop(): Promise<void>;
}

/**
 * Start an HTTP CONNECT proxy on a free loopback port, as corporate proxies
 * work: the client asks for a tunnel to `host:port`, the proxy opens it and
 * relays bytes (TLS inside stays between client and registry). Only loopback
 * targets are relayed; anything else is refused with 403.
 *
 * @example
 * ```ts
 * const proxy = await startConnectProxy();
 * try { ...; assert.ok(proxy.tunnels.length > 0); } finally { await proxy.stop(); }
 * ```
 */
export async function startConnectProxy(): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => res.writeHead(405).end("only CONNECT\n"));
  server.on("connect", (req, client: Socket, head: Buffer) => {
    const target = req.url ?? "";
    tunnels.push(target);
    const [host, port] = [target.slice(0, target.lastIndexOf(":")), Number(target.slice(target.lastIndexOf(":") + 1))];
    if (host !== "127.0.0.1" && host !== "localhost") {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    const upstream = connect(port, host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
