import type { Logger, Redactor } from '../log';
import type { Input } from './stdin';

/** The world a command runs in; injected so tests can run commands in-process. */
export interface World {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  /** Log lines go here (stderr by default). */
  readonly stderr?: ((line: string) => void) | undefined;
  /** Standard input, for `put -` and `delete`'s confirmation (process.stdin by default). */
  readonly stdin?: Input | undefined;
  /**
   * Replaces this process with the same program under node with these flags added (relaunch.ts);
   * absent where it cannot be done (Node before 22.15) or must not (a command run in-process).
   */
  readonly relaunch?: ((nodeFlags: readonly string[]) => void) | undefined;
}

export interface Session {
  readonly log: Logger;
  readonly redactor: Redactor;
}

const sessions = new WeakMap<World, Session>();

export function rememberSession(world: World, session: Session): void {
  sessions.set(world, session);
}

/** The session a command opened in this world, so that its failure is logged the same way. */
export function sessionOf(world: World): Session | undefined {
  return sessions.get(world);
}
