import net from 'node:net';

/** A loopback TCP proxy in front of `target`, delaying every chunk by `delayMs` each way (changeable while running). */
export interface SlowProxy {
  port: number;
  delayMs: number;
  close(): Promise<void>;
}

/** Forwards `from` to `to`, each chunk `proxy.delayMs` later, in order. */
function delayed(from: net.Socket, to: net.Socket, proxy: { delayMs: number }) {
  let chain = Promise.resolve();
  from.on('data', chunk => {
    const at = Date.now() + proxy.delayMs;
    chain = chain.then(
      () =>
        new Promise<void>(resolve =>
          setTimeout(() => {
            if (!to.destroyed) to.write(chunk);
            resolve();
          }, Math.max(0, at - Date.now())),
        ),
    );
  });
  from.on('end', () => void chain.then(() => to.end()));
  from.on('error', () => to.destroy());
}

export async function startSlowProxy(target: { host: string; port: number }, delayMs = 0): Promise<SlowProxy> {
  const sockets = new Set<net.Socket>();
  const proxy = { delayMs };
  const server = net.createServer(client => {
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    delayed(client, upstream, proxy);
    delayed(upstream, client, proxy);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(proxy, {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>(resolve => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
}
