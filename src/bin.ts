// First: keeps SIGUSR1 from opening the inspector.
import './inspector-guard';
import { homedir } from 'node:os';
import { relauncher, type NodeProcess } from './cli/relaunch';
import { main } from './main';

// The SDK looks for ~/.aws; with HOME unset and a uid that has no passwd entry (an image run as
// 65532), os.homedir() throws. Container runtimes set HOME=/ in that case: do the same.
if (!process.env['HOME']) {
  try {
    process.env['HOME'] = homedir();
  } catch {
    process.env['HOME'] = '/';
  }
}

// The SDK warns on Node 20 with process.emitWarning, a line that is not JSON on our JSON stderr.
// The image runs Node 22; on 20 the README says so. A library user keeps the SDK's own warning.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

main({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: (s) => process.stdout.write(s),
  relaunch: relauncher(process as NodeProcess),
}).then(
  (code) => {
    process.exitCode = code;
    // Everything is closed by now; if a stray handle lingers, it must not keep an init container alive.
    setTimeout(() => process.exit(code), 500).unref();
  },
  (error: unknown) => {
    process.stderr.write(`ssm-render: fatal: ${(error as Error)?.name ?? 'error'}\n`);
    process.exitCode = 1;
  },
);
