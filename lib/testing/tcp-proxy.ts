/**
 * A TCP proxy for tests that need network faults between a client and a server (ZooKeeper):
 *
 * - partition(): drops every connection and refuses new ones until heal(); a ZooKeeper client behind
 *   it loses its server, so after the session timeout the server expires its session.
 * - silence(): a server that accepts TCP and then never answers (a ZooKeeper still starting, a hung
 *   process, a black-holed route). Connections open at that moment stop forwarding in both
 *   directions but stay open; new connections are accepted and held without ever being forwarded.
 *   heal() forwards new connections again; a silenced connection stays silent until the client
 *   gives up on it.
 * - delayReplies(ms): connections accepted from now on get every chunk from the server `ms` late
 *   (in order), e.g. a handshake reply that arrives after the client's connect timeout.
 * - holdReplies(): a one-way outage — the server still gets everything the client sends (a
 *   ZooKeeper session stays alive), but nothing comes back until heal(), which delivers what was held.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** Port the proxy listens on (127.0.0.1). */
  readonly port: number;
  /** Client connections currently open through the proxy (forwarded, silenced or held). */
  readonly connections: number;
  /** Drops all connections and refuses new ones. */
  partition(): void;
  /** Accepts connections but forwards nothing; open connections go silent for good. */
  silence(): void;
  /** Delays the server's bytes by `ms` on connections accepted from now on (0: no delay). */
  delayReplies(ms: number): void;
  /** Holds the server's bytes on every connection, open or new, until heal(). */
  holdReplies(): void;
  /** Accepts and forwards new connections again, without delay, delivering held replies. */
  heal(): void;
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  upstream: Socket | null;
  silenced: boolean;
  /** Server bytes held back by holdReplies(), or null. */
  held: Buffer[] | null;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const links = new Set<Link>();
  let partitioned = false;
  let silent = false;
  let replyDelayMs = 0;
  let holding = false;

  const drop = (link: Link): void => {
    link.client.destroy();
    link.upstream?.destroy();
    links.delete(link);
  };

  const server: Server = createServer((client) => {
    if (partitioned) {
      client.destroy();
      return;
    }
    const link: Link = { client, upstream: null, silenced: silent, held: holding ? [] : null };
    links.add(link);
    client.on('error', () => drop(link));
    client.on('close', () => drop(link));
    if (link.silenced) return; // held: accepted, never forwarded, never answered
    const upstream = connect({ host: targetHost, port: targetPort });
    link.upstream = upstream;
    const delayMs = replyDelayMs;
    // A silenced link keeps its client socket open even when the server side goes away; a delayed
    // one closes after its last delayed bytes.
    const upstreamGone = (): void => {
      if (link.silenced || link.held !== null) upstream.destroy();
      else if (delayMs === 0) drop(link);
      else setTimeout(() => drop(link), delayMs);
    };
    upstream.on('error', upstreamGone);
    upstream.on('close', upstreamGone);
    client.on('data', (chunk: Buffer) => {
      if (!link.silenced) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (link.silenced) return;
      if (link.held !== null) link.held.push(chunk);
      else if (delayMs === 0) client.write(chunk);
      else
        setTimeout(() => {
          if (!link.silenced && !client.destroyed) client.write(chunk);
        }, delayMs);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    port,
    get connections(): number {
      return links.size;
    },
    partition(): void {
      partitioned = true;
      for (const l of [...links]) drop(l);
    },
    silence(): void {
      silent = true;
      for (const l of links) l.silenced = true;
    },
    delayReplies(ms: number): void {
      replyDelayMs = ms;
    },
    holdReplies(): void {
      holding = true;
      for (const l of links) l.held ??= [];
    },
    heal(): void {
      partitioned = false;
      silent = false;
      replyDelayMs = 0;
      holding = false;
      for (const l of links) {
        if (l.held === null) continue;
        for (const chunk of l.held) if (!l.client.destroyed && !l.silenced) l.client.write(chunk);
        l.held = null;
        if (l.upstream?.destroyed === true) drop(l);
      }
    },
    close(): Promise<void> {
      for (const l of [...links]) drop(l);
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
