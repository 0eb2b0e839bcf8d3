import type { CheckRunner } from './check/run-check';
import type { CommitFs } from './fs';
import type { Identity } from './owner-policy';

/** A program that must accept a changed file, staged, before anything is committed. */
export interface FileCheck {
  /** The program and its arguments; every `{{file}}` becomes the staged file's path. */
  readonly argv: readonly string[];
  readonly timeoutMs: number;
  /** How messages name the template the file comes from (its source, or `format yaml`). */
  readonly template: string;
}

/** One file of a directory destination (`format: files`). */
export interface DirectoryFile {
  /** The key it comes from: errors about its name name the key. */
  readonly key: string;
  /** Below the directory, `/` between sub-directories; the commit refuses an unsafe one. */
  readonly name: string;
  readonly content: Buffer;
}

export interface FileToWrite {
  /** A file; with `files`, a directory. */
  readonly destination: string;
  readonly content: Buffer;
  readonly mode: number;
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
  readonly check?: FileCheck | undefined;
  /** The destination is a directory holding one file per entry (and nothing else ssm-render wrote); `content` is unused. */
  readonly files?: readonly DirectoryFile[] | undefined;
  /** Internal to a commit: remove this destination (a regular file a directory's manifest lists) instead of writing it. */
  readonly remove?: boolean | undefined;
}

export interface CommitResult {
  /** Destinations whose bytes changed (or would change, in a dry run). */
  readonly written: readonly string[];
  /** Destinations left untouched: same bytes, same inode, same mtime. */
  readonly unchanged: readonly string[];
  /** Of `written`, the files removed (or that would be): a `format: files` key that is gone. */
  readonly removed?: readonly string[];
}

/**
 * files: each changed file is renamed over its destination, one after the other. snapshot: the
 * files of a directory live in `..<timestamp>/`, each name is a symlink through `..data`, and one
 * rename of `..data` swaps them all.
 */
export type CommitMode = 'files' | 'snapshot';

export interface CheckOptions {
  /** Where the check's few variables come from (PATH, HOME, ...); process.env by default. */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /**
   * Scrubs parameter values from a check's stderr before it goes into an error. Without it, an
   * error carries no stderr at all.
   */
  readonly redact?: ((text: string) => string) | undefined;
  /** A check accepted a file (also in a dry run). */
  readonly onPassed?: ((destination: string, program: string) => void) | undefined;
  /** Runs the check; tests replace it to observe when it runs. */
  readonly run?: CheckRunner | undefined;
}

export interface CommitOptions {
  readonly dryRun?: boolean;
  readonly mode?: CommitMode | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly check?: CheckOptions | undefined;
  /** A rename could not replace the file (EBUSY: a single-file bind mount) and it was rewritten in place. */
  readonly onInPlaceWrite?: ((destination: string) => void) | undefined;
  /** The file system (tests observe or fault it); node:fs/promises by default. */
  readonly fs?: CommitFs | undefined;
  /** Who the process is, for the owner policy; the real uid and gid by default. */
  readonly identity?: Identity | undefined;
  /** How long to wait for another writer's lock on a destination directory. */
  readonly lockTimeoutMs?: number | undefined;
  /** The time a snapshot directory is named after; the real time by default. */
  readonly now?: (() => Date) | undefined;
  /** A `format: files` directory's manifest could not be trusted or read: nothing in it is removed this time. */
  readonly onManifestIgnored?: ((directory: string, reason: string) => void) | undefined;
  /** The mount points of this process's mount namespace (a snapshot refuses a single-file bind mount); /proc/self/mountinfo by default. */
  readonly mountPoints?: (() => Promise<ReadonlySet<string>>) | undefined;
}
