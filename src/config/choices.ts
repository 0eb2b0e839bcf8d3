/** The allowed values the config file, the flags and the help text share; no dependencies, so help stays cheap. */
export const FORMAT_NAMES = ['dotenv', 'shell', 'yaml', 'json', 'properties'] as const;
export const ESCAPE_NAMES = [...FORMAT_NAMES, 'none'] as const;
export const DIALECTS = ['portable', 'node', 'python', 'literal'] as const;
/** `commit:`: each file renamed into place (files), or every file of a directory swapped at once (snapshot). */
export const COMMIT_MODES = ['files', 'snapshot'] as const;
/** In a template's `check:`, where the staged file's path goes. */
export const CHECK_FILE = '{{file}}';
export const SIGNALS = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGCONT'] as const;

/** `ls --format` */
export const LS_FORMATS = ['table', 'json', 'dotenv', 'yaml'] as const;
/** `put --type` and `--tier` */
export const PARAMETER_TYPES = ['String', 'StringList', 'SecureString'] as const;
export const PARAMETER_TIERS = ['Standard', 'Advanced', 'Intelligent-Tiering'] as const;
