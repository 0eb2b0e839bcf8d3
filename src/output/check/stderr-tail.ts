/** The most of a check's stderr an error carries: its last lines, within a byte budget. */
export const TAIL_BYTES = 4096;
export const TAIL_LINES = 20;

/**
 * Keeps only the end of a stream (a chatty check can print megabytes), so that memory stays bounded
 * whatever the check prints; `text()` gives its last `TAIL_LINES` lines.
 */
export class StderrTail {
  private kept = Buffer.alloc(0);
  private dropped = false;

  push(chunk: Buffer): void {
    const joined = Buffer.concat([this.kept, chunk]);
    if (joined.length > TAIL_BYTES) this.dropped = true;
    this.kept = joined.length > TAIL_BYTES ? joined.subarray(joined.length - TAIL_BYTES) : joined;
  }

  text(): string {
    const lines = this.kept.toString('utf8').replace(/\s+$/, '').split('\n');
    const cut = this.dropped || lines.length > TAIL_LINES;
    const last = lines.slice(-TAIL_LINES).join('\n');
    return last === '' ? '' : `${cut ? '...\n' : ''}${last}`;
  }
}
