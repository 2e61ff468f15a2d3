/**
 * A loopback TCP proxy to the test Redis (127.0.0.1:6379): stop it to stand for a Redis that goes
 * away (connections cut, new ones refused), start another on the same port for one that comes back.
 */
export function redisProxy(port: number, target = 6379) {
  type Pipe = { up?: Bun.Socket; pending: Uint8Array[] };
  return Bun.listen<Pipe>({
    hostname: "127.0.0.1",
    port,
    socket: {
      async open(client) {
        client.data = { pending: [] };
        const up = await Bun.connect({
          hostname: "127.0.0.1",
          port: target,
          socket: { data: (_u, chunk) => void client.write(chunk), close: () => void client.end() },
        });
        client.data.up = up;
        for (const chunk of client.data.pending) up.write(chunk);
      },
      data(client, chunk) {
        if (client.data.up) client.data.up.write(chunk);
        else client.data.pending.push(new Uint8Array(chunk));
      },
      close: (client) => void client.data.up?.end(),
    },
  });
}
