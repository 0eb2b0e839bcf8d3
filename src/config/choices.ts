/** The allowed values the config file, the flags and the help text share; no dependencies, so help stays cheap. */
export const FORMAT_NAMES = ['dotenv', 'shell', 'yaml', 'json', 'properties'] as const;
export const ESCAPE_NAMES = [...FORMAT_NAMES, 'none'] as const;
export const DIALECTS = ['portable', 'node', 'python', 'literal'] as const;
export const SIGNALS = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGCONT'] as const;

/** `ls --format` */
export const LS_FORMATS = ['table', 'json', 'dotenv', 'yaml'] as const;
/** Parameter Store's parameter types and tiers: `put --type` and `--tier`, and what a parameter is. */
export const PARAMETER_TYPES = ['String', 'StringList', 'SecureString'] as const;
export const PARAMETER_TIERS = ['Standard', 'Advanced', 'Intelligent-Tiering'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];
export type ParameterTier = (typeof PARAMETER_TIERS)[number];
