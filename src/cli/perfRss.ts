/**
 * The peak resident set size of a perf run: sampled every `intervalMs` while it runs, with the
 * kernel's own high-water mark (process.resourceUsage().maxRSS) as a floor, which catches a peak
 * between two samples.
 */
export class PeakRss {
  /** Largest RSS sampled so far, in bytes. */
  private peakBytes = process.memoryUsage.rss();
  private timer: NodeJS.Timeout | null;

  constructor(intervalMs = 100) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    // Sampling must not keep a finished run alive.
    this.timer.unref();
  }

  private sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peakBytes) this.peakBytes = rss;
  }

  /** Stops sampling; the peak in bytes. */
  stop(): number {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    // maxRSS is in KiB.
    return Math.max(this.peakBytes, process.resourceUsage().maxRSS * 1024);
  }
}
