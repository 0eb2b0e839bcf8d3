import { describe, expect, it } from 'vitest';
import { LONG_LIVED_NODE_FLAGS, relauncher, type NodeProcess } from '../../../src/cli/relaunch';

function fakeProcess(execArgv: string[], execve = true) {
  const calls: Array<{ file: string; args: readonly string[]; env: NodeJS.ProcessEnv }> = [];
  const proc: NodeProcess = {
    execPath: '/usr/bin/node',
    execArgv,
    argv: ['/usr/bin/node', '/opt/ssm-render/ssm-render.js', 'watch', '--interval', '30s'],
    env: { AWS_REGION: 'eu-west-1' },
    ...(execve
      ? {
          execve: ((file: string, args: readonly string[], env: NodeJS.ProcessEnv) => {
            calls.push({ file, args, env });
          }) as unknown as NodeProcess['execve'],
        }
      : {}),
  };
  return { proc, calls };
}

describe('relauncher', () => {
  it("starts the same program again, in place, with the flags before node's own, then the script and its arguments, in the same environment", () => {
    const { proc, calls } = fakeProcess(['--disable-sigusr1', '--max-semi-space-size=1']);
    relauncher(proc)?.(LONG_LIVED_NODE_FLAGS);
    expect(calls).toEqual([
      {
        file: '/usr/bin/node',
        args: [
          '/usr/bin/node',
          '--lite-mode',
          '--no-expose-wasm',
          '--disable-sigusr1',
          '--max-semi-space-size=1',
          '/opt/ssm-render/ssm-render.js',
          'watch',
          '--interval',
          '30s',
        ],
        env: proc.env,
      },
    ]);
  });

  it.each([['--lite-mode'], ['--no-lite-mode'], ['--lite_mode'], ['--no-expose-wasm'], ['--expose-wasm']])(
    'leaves the process as it is when node was started with %s (relaunched already, or the user chose)',
    (flag) => {
      const { proc, calls } = fakeProcess(['--v8-pool-size=1', flag]);
      relauncher(proc)?.(LONG_LIVED_NODE_FLAGS);
      expect(calls).toEqual([]);
    },
  );

  it('is absent where node cannot replace the process (before 22.15)', () => {
    expect(relauncher(fakeProcess([], false).proc)).toBeUndefined();
  });
});
