import { spawnSync } from 'node:child_process';

// The Debian package that provides each external reader, for the error when one is missing.
const PACKAGES: Record<string, string> = {
  '/usr/bin/python3': 'python3 (with python3-dotenv and python3-yaml)',
  bash: 'bash',
  dash: 'dash',
  java: 'openjdk-17-jdk-headless',
  javac: 'openjdk-17-jdk-headless',
  kubectl: 'kubectl (from the Kubernetes apt repository, pkgs.k8s.io)',
};

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs a reader to completion; any failure (missing tool, non-zero exit) throws with its stderr. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Buffer {
  const result = spawnSync(command, args, { env: options.env ?? {}, cwd: options.cwd, maxBuffer: 256 * 1024 * 1024 });
  if (result.error !== undefined) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? `\`${command}\` is not installed: install the Debian package ${PACKAGES[command] ?? command}`
        : `\`${command}\` failed to start: ${result.error.message}`,
    );
  }
  if (result.status !== 0) {
    throw new Error(`\`${command} ${args.join(' ')}\` exited with ${result.status}: ${result.stderr.toString()}`);
  }
  return result.stdout;
}
