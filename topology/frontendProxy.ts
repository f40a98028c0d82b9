// One address for the clients (workers, API) in front of every frontend of the cluster. It stands for what a
// production deployment puts there (a load balancer or a DNS name over the frontends): each new connection goes
// to the next frontend that accepts it, and a connection whose frontend dies is closed, so the client reconnects
// and lands on a frontend that is up. It forwards bytes only (gRPC over HTTP/2 passes through unchanged).
import net from 'node:net';

export interface FrontendProxy {
  address: string;
  close(): Promise<void>;
}

export async function startFrontendProxy(opts: { upstreams: () => string[]; host?: string; port?: number; connectTimeoutMs?: number }): Promise<FrontendProxy> {
  const open = new Set<net.Socket>();
  let next = 0;

  const connectTo = (address: string): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const [host, port] = splitAddress(address);
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => socket.destroy(new Error('connect timeout')), opts.connectTimeoutMs ?? 1_000);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(socket);
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });

  /** The next frontend that accepts a connection, round-robin from where the last one went. */
  const pick = async (): Promise<net.Socket | null> => {
    const upstreams = opts.upstreams();
    for (let i = 0; i < upstreams.length; i++) {
      const address = upstreams[(next + i) % upstreams.length]!;
      try {
        const socket = await connectTo(address);
        next = (next + i + 1) % upstreams.length;
        return socket;
      } catch {
        // down: the next one
      }
    }
    return null;
  };

  const server = net.createServer((client) => {
    open.add(client);
    client.pause();
    client.on('error', () => client.destroy());
    client.once('close', () => open.delete(client));
    void pick().then((upstream) => {
      if (!upstream || client.destroyed) {
        upstream?.destroy();
        client.destroy();
        return;
      }
      open.add(upstream);
      upstream.on('error', () => upstream.destroy());
      upstream.once('close', () => {
        open.delete(upstream);
        client.destroy();
      });
      client.once('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as net.AddressInfo;
  return {
    address: `${address}:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}
