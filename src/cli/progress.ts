/** A one-line progress display on stderr, only when stderr is a terminal. */
export class Progress {
  private timer: NodeJS.Timeout | null = null;
  private readonly startMs = Date.now();

  constructor(
    private readonly read: () => { records: number; acked: number; failed: number },
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    if (this.stream.isTTY) {
      this.timer = setInterval(() => this.render(), 250);
      this.timer.unref();
    }
  }

  private render(): void {
    const { records, acked, failed } = this.read();
    const secs = (Date.now() - this.startMs) / 1000;
    const rate = secs > 0 ? Math.round(acked / secs) : 0;
    this.stream.write(`\r\x1b[K${records} read · ${acked} acked · ${failed} failed · ${rate} records/s`);
  }

  stop(): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
    this.render();
    this.stream.write('\n');
  }
}
