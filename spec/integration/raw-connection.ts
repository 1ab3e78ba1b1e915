/**
 * A raw Kafka connection for specs (plain TCP or TLS): one request at a time, our own codec, and
 * nothing done behind the spec's back (no re-authentication, no reconnect): a request the broker
 * does not answer because it closed the connection resolves with null.
 */
import type { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';

export class RawConnection {
  private readonly socket: net.Socket | tls.TLSSocket;
  private readonly presented: X509Certificate | undefined;
  private buffered = Buffer.alloc(0);
  private waiting: ((frame: Buffer | null) => void) | null = null;
  closed = false;

  private constructor(socket: net.Socket | tls.TLSSocket) {
    this.socket = socket;
    this.presented = socket instanceof tls.TLSSocket ? socket.getPeerX509Certificate() : undefined;
    socket.on('data', (d: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, d]);
      this.deliver();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.(null);
      this.waiting = null;
    });
    socket.on('error', () => undefined);
  }

  static open(bootstrap: string): Promise<RawConnection> {
    const [host, port] = bootstrap.split(':');
    return new Promise((resolve, reject) => {
      const s = net.connect(Number(port), host, () => resolve(new RawConnection(s)));
      s.once('error', reject);
    });
  }

  /** A TLS connection (trusting `ca`); `peerCertificate` is the certificate the broker presented. */
  static openTls(bootstrap: string, ca: string): Promise<RawConnection> {
    const [host, port] = bootstrap.split(':');
    return new Promise((resolve, reject) => {
      const s = tls.connect({ host, port: Number(port), ca, servername: host }, () => resolve(new RawConnection(s)));
      s.once('error', reject);
    });
  }

  /** The certificate the broker presented in the TLS handshake (undefined over plain TCP). */
  get peerCertificate(): X509Certificate | undefined {
    return this.presented;
  }

  private deliver(): void {
    if (!this.waiting || this.buffered.length < 4) return;
    const size = this.buffered.readInt32BE(0);
    if (this.buffered.length < 4 + size) return;
    const frame = this.buffered.subarray(4, 4 + size);
    this.buffered = this.buffered.subarray(4 + size);
    const w = this.waiting;
    this.waiting = null;
    w(frame);
  }

  /** The response frame, or null when the broker closed the connection instead of answering. */
  exchange(frame: Buffer, timeoutMs = 15_000): Promise<Buffer | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer and no close')), timeoutMs);
      this.waiting = (f) => {
        clearTimeout(timer);
        resolve(f);
      };
      this.socket.write(frame);
      this.deliver();
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

