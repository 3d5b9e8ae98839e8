/** How many kinds of failure are listed before the rest are summed up in one line. */
const MAX_KINDS_SHOWN = 20;

/**
 * The records a perf run did not deliver, counted by error message: a broken topic is one line on
 * stderr with its count, not one per record. (produce's FailureReport also names the first input
 * line of each kind; perf records have no lines.)
 */
export class PerfFailures {
  /** Message → records that failed with it, in order of first occurrence. */
  private readonly byKind = new Map<string, number>();

  add(message: string): void {
    this.byKind.set(message, (this.byKind.get(message) ?? 0) + 1);
  }

  print(stream: NodeJS.WritableStream): void {
    let shown = 0;
    for (const [message, count] of this.byKind) {
      if (shown++ === MAX_KINDS_SHOWN) {
        stream.write(`rxkafka: … and ${this.byKind.size - MAX_KINDS_SHOWN} other kinds of failure\n`);
        break;
      }
      stream.write(`rxkafka: not delivered (${count === 1 ? '1 record' : `${count} records`}): ${message}\n`);
    }
  }
}
