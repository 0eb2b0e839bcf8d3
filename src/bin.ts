import { main } from './main';

main({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd(), stdout: (s) => process.stdout.write(s) }).then(
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
