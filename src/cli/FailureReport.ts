/** How many kinds of failure are listed before the rest are summed up in one line. */
const MAX_KINDS_SHOWN = 20;

/**
 * The undelivered records, grouped by kind of failure: each kind is printed once with its count
 * and its first line (number and message), so a broken topic is one line on stderr, not a million.
 */
export class FailureReport {
  /** Kind → count and the first failure of that kind; insertion order is the order of first occurrence. */
  private readonly byKind = new Map<string, { count: number; firstLine: number; firstMessage: string }>();

  /**
   * `kind` groups failures (by default the message itself); `message` is shown for the first one
   * only — e.g. kind "not valid JSON", message with the parser's detail for that line.
   */
  add(lineNo: number, message: string, kind: string = message): void {
    const entry = this.byKind.get(kind);
    if (entry === undefined) this.byKind.set(kind, { count: 1, firstLine: lineNo, firstMessage: message });
    else {
      entry.count++;
      if (lineNo < entry.firstLine) {
        // Acks of different partitions arrive out of line order: keep the earliest line.
        entry.firstLine = lineNo;
        entry.firstMessage = message;
      }
    }
  }

  print(stream: NodeJS.WritableStream): void {
    let shown = 0;
    for (const { count, firstLine, firstMessage } of this.byKind.values()) {
      if (shown++ === MAX_KINDS_SHOWN) {
        stream.write(`rxkafka: … and ${this.byKind.size - MAX_KINDS_SHOWN} other kinds of failure\n`);
        break;
      }
      const which = count === 1 ? `line ${firstLine}` : `${count} records, first at line ${firstLine}`;
      stream.write(`rxkafka: not delivered (${which}): ${firstMessage}\n`);
    }
  }
}
