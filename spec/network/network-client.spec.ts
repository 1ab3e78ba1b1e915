import { expect } from 'chai';
import net from 'node:net';
import { NetworkClient } from '../../lib/network/network-client.js';
import { NetworkError } from '../../lib/protocol/errors.js';

describe('NetworkClient', () => {
  let server: net.Server;
  let port: number;

  beforeEach(async () => {
    server = net.createServer((s) => s.on('error', () => {}));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });

  afterEach(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('fails a request whose connection is still being opened when the client is closed, and leaves no unhandled rejection', async () => {
    // A broker shutting down closes its fetchers' clients, possibly while one is connecting.
    const unhandled: unknown[] = [];
    const listeners = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    process.on('unhandledRejection', (reason) => unhandled.push(reason));
    try {
      const client = new NetworkClient({ host: '127.0.0.1', port }, { requestTimeoutMs: 30_000, connectTimeoutMs: 5_000, maxResponseSize: 1024 });
      const failure = client.send(1, [Buffer.from([0, 0, 0, 4, 0, 0, 0, 1])]).then(() => null, (err: unknown) => err);
      client.close();
      for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
      expect(await failure).to.be.instanceOf(NetworkError);
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.removeAllListeners('unhandledRejection');
      for (const l of listeners) process.on('unhandledRejection', l);
    }
  });
});
