import type { FileHandle } from 'node:fs/promises';
import { nodeFs, type CommitFs } from '../../src/output/fs';

/** Decides whether a call fails: return an errno code (ENOSPC, EPERM...) to throw it instead of calling. */
export type Fault = (op: string, path: string) => string | undefined;

/**
 * The real file system, with every call the commit makes written down in order (`rename a -> b`,
 * `handle.sync a`) and, when asked, one of them failing with a real errno code instead of running.
 */
export function recordingFs(fault: Fault = () => undefined): { fs: CommitFs; calls: string[] } {
  const calls: string[] = [];
  const check = (op: string, path: string) => {
    calls.push(`${op} ${path}`);
    const code = fault(op, path);
    if (code) throw Object.assign(new Error(`${code}: injected fault, ${op} ${path}`), { code, syscall: op, path });
  };
  const wrapHandle = (handle: FileHandle, path: string): FileHandle =>
    new Proxy(handle, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function' || typeof name !== 'string') return value;
        return (...args: unknown[]) => {
          if (name !== 'close') check(`handle.${name}`, path);
          else calls.push(`handle.close ${path}`);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const wrapped = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(nodeFs) as Array<[string, (...a: unknown[]) => Promise<unknown>]>) {
    if (typeof fn !== 'function') continue;
    wrapped[name] = async (...args: unknown[]) => {
      const path = String(args[0]);
      const label = ['rename', 'symlink', 'link', 'copyFile'].includes(name) ? `${path} -> ${String(args[1])}` : path;
      check(name, label);
      const result = await fn(...args);
      return name === 'open' ? wrapHandle(result as FileHandle, path) : result;
    };
  }
  return { fs: wrapped as unknown as CommitFs, calls };
}
