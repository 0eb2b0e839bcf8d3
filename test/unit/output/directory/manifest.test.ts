import { chmodSync, lchownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { manifestContent, parseManifest, readManifest } from '../../../../src/output/directory/manifest';
import { MANIFEST_NAME } from '../../../../src/output/directory/safe-name';
import { nodeFs } from '../../../../src/output/fs';
import { scratch } from '../../../support/tmp';

let s = scratch();
afterEach(() => {
  s.cleanup();
  s = scratch();
});
const me = new Set([process.getuid?.() ?? 0]);

describe('the manifest of a `format: files` directory', () => {
  it('holds the names only, sorted and once each, and reads back the same', async () => {
    const content = manifestContent(['b/c', 'a', 'b/c']);
    expect(JSON.parse(content.toString())).toEqual({ version: 1, files: ['a', 'b/c'] });
    writeFileSync(s.path(MANIFEST_NAME), content);
    expect(await readManifest(nodeFs, s.dir, me)).toEqual({ names: ['a', 'b/c'] });
  });

  it('is empty when there is none, and for a directory that does not exist yet', async () => {
    expect(await readManifest(nodeFs, s.dir, me)).toEqual({ names: [] });
    expect(await readManifest(nodeFs, undefined, me)).toEqual({ names: [] });
  });

  it('drops names that could never have been ours (outside the directory, reserved)', () => {
    const text = JSON.stringify({ version: 1, files: ['ok', '../../etc/passwd', '/etc/shadow', 'a//b', MANIFEST_NAME, 7, '..data'] });
    expect(parseManifest(text)).toEqual(['ok']);
  });

  it.each([
    ['corrupt JSON', '{"version":1,"files":["a"'],
    ['null', 'null'],
    ['another version', '{"version":2,"files":["a"]}'],
    ['no list', '{"version":1,"files":"a"}'],
  ])('is ignored, with the reason, when it is %s: nothing is then removed', async (_, text) => {
    writeFileSync(s.path(MANIFEST_NAME), text);
    expect(await readManifest(nodeFs, s.dir, me)).toEqual({ ignored: expect.stringMatching(/corrupt or edited/) });
  });

  it('is never read through a symlink, nor when it is a directory', async () => {
    writeFileSync(s.path('elsewhere.json'), manifestContent(['victim']));
    symlinkSync(s.path('elsewhere.json'), s.path(MANIFEST_NAME));
    expect(await readManifest(nodeFs, s.dir, me)).toEqual({ ignored: 'it is a symlink' });
    mkdirSync(s.path('d'));
    mkdirSync(s.path('d', MANIFEST_NAME));
    expect(await readManifest(nodeFs, s.path('d'), me)).toEqual({ ignored: 'it is not a regular file' });
  });

  it.runIf(process.getuid?.() === 0)('is not believed when another user owns it (who could list files to remove)', async () => {
    writeFileSync(s.path(MANIFEST_NAME), manifestContent(['victim']));
    chmodSync(s.path(MANIFEST_NAME), 0o644);
    lchownSync(s.path(MANIFEST_NAME), 4321, 4321);
    expect(await readManifest(nodeFs, s.dir, new Set([0]))).toEqual({ ignored: expect.stringMatching(/belongs to uid 4321/) });
    expect(await readManifest(nodeFs, s.dir, new Set([0, 4321]))).toEqual({ names: ['victim'] });
  });
});
