// File-system faults made for real, without a container: a small tmpfs filled up (ENOSPC), an
// immutable destination (EPERM on its rename), the destination directory bind-mounted read-only
// (EROFS), a destination that is itself a bind mount (EBUSY on its rename). Each needs root and a
// kernel that allows it; a kind the machine refuses is skipped, with the reason.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const run = (command, args) => {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return r.status === 0 ? undefined : (r.stderr || r.error?.message || `exit ${r.status}`).trim();
};

/** Mounts a tmpfs of `sizeMb` on `vol` (created), or leaves a plain directory; the reason when not. */
export function mountVolume(vol, sizeMb) {
  mkdirSync(vol, { recursive: true });
  const refused = run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0755`, 'tmpfs', vol]);
  return { tmpfs: refused === undefined, note: refused && `no tmpfs (mount: ${refused}): ENOSPC skipped` };
}

export function unmountVolume(vol) {
  run('umount', [vol]);
}

/** Which of eperm, erofs and ebusy this machine can make, tried once on a scratch file in `out`. */
export function probeKinds(out) {
  mkdirSync(out, { recursive: true });
  const probe = join(out, '.probe');
  const source = join(out, '.probe-source');
  writeFileSync(probe, 'probe');
  writeFileSync(source, 'source');
  const notes = {};
  const chattr = run('chattr', ['+i', probe]);
  if (chattr) notes.eperm = `chattr +i refused (${chattr})`;
  else run('chattr', ['-i', probe]);
  const bind = run('mount', ['--bind', out, out]);
  if (bind) notes.erofs = `bind mount refused (${bind})`;
  else {
    const ro = run('mount', ['-o', 'remount,ro,bind', out]);
    if (ro) notes.erofs = `read-only remount refused (${ro})`;
    run('umount', [out]);
  }
  const file = run('mount', ['--bind', source, probe]);
  if (file) notes.ebusy = `file bind mount refused (${file})`;
  else run('umount', [probe]);
  rmSync(probe, { force: true });
  rmSync(source, { force: true });
  return notes;
}

/** Fills `vol` but `room` bytes; returns the undo. */
export function fillUp(vol, room) {
  const { bavail, bsize } = statfsSync(vol);
  const ballast = join(vol, 'ballast');
  writeFileSync(ballast, Buffer.alloc(Math.max(0, bavail * bsize - room)));
  return () => rmSync(ballast, { force: true });
}

/** Makes `file` immutable (its rename fails with EPERM); returns the undo. */
export function immutable(file) {
  const refused = run('chattr', ['+i', file]);
  if (refused) throw new Error(`chattr +i ${file}: ${refused}`);
  return () => run('chattr', ['-i', file]);
}

/** Bind-mounts `dir` read-only over itself; returns the undo. */
export function readOnly(dir) {
  const refused = run('mount', ['--bind', dir, dir]) ?? run('mount', ['-o', 'remount,ro,bind', dir]);
  if (refused) {
    run('umount', [dir]);
    throw new Error(`read-only bind mount of ${dir}: ${refused}`);
  }
  return () => run('umount', [dir]);
}

/**
 * Makes `file` a single-file bind mount (a rename over it fails with EBUSY; ssm-render rewrites it
 * in place). The undo unmounts it and moves what was written through the mount into `file`.
 */
export function bindMounted(file, scratchDir) {
  const source = join(scratchDir, 'ebusy-source');
  const { mode } = statSync(file);
  writeFileSync(source, readFileSync(file));
  const refused = run('mount', ['--bind', source, file]);
  if (refused) throw new Error(`bind mount over ${file}: ${refused}`);
  return () => {
    run('umount', [file]);
    // What the render wrote went to the mount's source: that is the destination's content now.
    const next = `${file}.fault-run-restore`;
    writeFileSync(next, readFileSync(source));
    chmodSync(next, mode & 0o7777);
    renameSync(next, file);
    rmSync(source, { force: true });
  };
}
