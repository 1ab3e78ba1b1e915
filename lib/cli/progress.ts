/**
 * Progress of a long tool operation on a terminal: one line on stderr rewritten in place (at most
 * every 200 ms) and cleared when done. Does nothing unless stderr is a TTY, so piped output and
 * specs see exactly Kafka's lines.
 */
export class Progress {
  private last = 0;
  private shown = false;

  constructor(private readonly label: string, private readonly total: number | null, private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(done: number, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 200) return;
    this.last = now;
    const pct = this.total !== null && this.total > 0 ? ` (${Math.min(100, Math.floor((done * 100) / this.total))}%)` : '';
    this.stream.write(`\r\x1b[2K${this.label}: ${done}${this.total !== null ? `/${this.total}` : ''}${pct}`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
