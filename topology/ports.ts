import net from 'node:net';

/** A TCP port that nothing listens on right now at `host`, from the kernel's ephemeral range. */
export function freePortOn(host: string): Promise<number> {
  return listenable(host, 0).then((port) => {
    if (port === null) throw new Error(`no free port on ${host}`);
    return port;
  });
}

/**
 * A free port below 32768 at `host`: Temporal stores a node's membership port in a smallint column, so the
 * kernel's ephemeral ports (32768 and up) do not fit. Tries random ports of 20000-32767 until one binds.
 */
export async function freeLowPortOn(host: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = await listenable(host, 20_000 + Math.floor(Math.random() * 12_768));
    if (port !== null) return port;
  }
  throw new Error(`no free port below 32768 on ${host}`);
}

function listenable(host: string, port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(null));
    server.listen(port, host, () => {
      const bound = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}
