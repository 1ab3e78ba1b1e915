/**
 * The campaign's ZooKeeper (a real one, lib/testing/zookeeper-runner) on a fixed address, port and
 * data directory, so it can be stopped and started again with its data: the ZooKeeper-restart
 * nemeses. silentWindow() stands in for ZooKeeper's start-up window in which the port accepts TCP
 * connections but nothing answers: a listener on ZooKeeper's port that accepts and holds every
 * connection without a byte in reply. The held connections stay open after ZooKeeper is back (as a
 * server that hung would leave them) until their client gives up on them or `releaseAfterMs` passes;
 * which clients gave up, and when, goes in the report.
 */
import net from 'node:net';
import { startZooKeeper, type RunningZooKeeper } from '../../lib/testing/zookeeper-runner.js';

export interface SilentConnection {
  remoteAddress: string;
  remotePort: number;
  acceptedAt: number;
  /** When the client closed it, or null if the campaign had to release it. */
  closedByClientAt: number | null;
  releasedAt: number | null;
  bytesReceived: number;
}

export interface SilentWindow {
  readonly connections: SilentConnection[];
  /** Stops accepting (the port is free for ZooKeeper again); open connections stay silent. */
  closeListener(): Promise<void>;
  /** Resolves once every held connection was closed by its client or released after `releaseAfterMs`. */
  release(releaseAfterMs: number): Promise<void>;
}

export class ZooKeeperControl {
  private zk: RunningZooKeeper | null = null;

  constructor(
    readonly host: string,
    readonly port: number,
    readonly dataDir: string,
    private readonly onStart: (pid: number) => void = () => undefined,
  ) {}

  get running(): boolean {
    return this.zk !== null;
  }

  get connectString(): string {
    return `${this.host}:${this.port}`;
  }

  get logFile(): string | null {
    return this.zk?.logFile ?? null;
  }

  async start(): Promise<void> {
    if (this.zk !== null) return;
    // The port may be held for a moment by a socket the kernel still tears down: retry briefly.
    let lastErr: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        this.zk = await startZooKeeper({ host: this.host, port: this.port, dataDir: this.dataDir, tickTime: 500, maxSessionTimeout: 60_000, startTimeoutMs: 60_000 });
        this.onStart(this.zk.pid);
        return;
      } catch (err) {
        lastErr = err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    throw lastErr instanceof Error ? lastErr : new Error(String(lastErr));
  }

  /** SIGTERM (or SIGKILL at once with `kill9`) and wait until the JVM is gone. */
  async stop(kill9 = false): Promise<void> {
    const zk = this.zk;
    if (zk === null) return;
    this.zk = null;
    if (kill9) {
      try {
        process.kill(zk.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await zk.stop(10_000);
  }

  /** Listens on ZooKeeper's address (ZooKeeper must be stopped): accepts, holds, never answers. */
  async silentWindow(): Promise<SilentWindow> {
    const connections: SilentConnection[] = [];
    const sockets = new Map<SilentConnection, net.Socket>();
    const server = net.createServer((socket) => {
      const c: SilentConnection = { remoteAddress: socket.remoteAddress ?? '?', remotePort: socket.remotePort ?? 0, acceptedAt: Date.now(), closedByClientAt: null, releasedAt: null, bytesReceived: 0 };
      connections.push(c);
      sockets.set(c, socket);
      socket.on('data', (d: Buffer) => (c.bytesReceived += d.length));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        if (c.releasedAt === null) c.closedByClientAt = Date.now();
        sockets.delete(c);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.host, port: this.port, exclusive: true }, () => resolve());
    });
    return {
      connections,
      closeListener: () => new Promise<void>((resolve) => {
        server.close(() => resolve());
        // server.close waits for held connections; resolve as soon as the port is released.
        setImmediate(resolve);
      }),
      release: async (releaseAfterMs) => {
        const deadline = Date.now() + releaseAfterMs;
        while (sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        for (const [c, s] of sockets) {
          c.releasedAt = Date.now();
          s.destroy();
        }
        sockets.clear();
      },
    };
  }
}
