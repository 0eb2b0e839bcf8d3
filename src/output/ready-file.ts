import { unlink } from 'node:fs/promises';
import { commitFiles } from './commit';

/**
 * A file that exists while the data is ready (after the first good render, and not stale), for
 * ECS `dependsOn: HEALTHY` checks (`test -f`) and for tools that watch files.
 */
export class ReadyFile {
  private present = false;

  constructor(private readonly path: string) {}

  async sync(ready: boolean): Promise<void> {
    if (ready === this.present) return;
    if (ready) await commitFiles([{ destination: this.path, content: Buffer.from('ready\n'), mode: 0o644 }]);
    else await this.remove();
    this.present = ready;
  }

  async remove(): Promise<void> {
    await unlink(this.path).catch(() => undefined);
    this.present = false;
  }
}
