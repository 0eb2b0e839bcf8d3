// The one import from render/: its catalog of formats has no imports of its own, so help stays cheap
// and a new format is a row there, not another list here.
import { DIALECTS, FORMAT_NAMES, TEMPLATE_FORMAT_NAMES } from '../render/formats/catalog';

/** The allowed values the config file, the flags and the help text share. */
export { DIALECTS, FORMAT_NAMES, TEMPLATE_FORMAT_NAMES };
/** `decode:` of a `format: files` template: how a key's value becomes the file's bytes. */
export const DECODINGS = ['base64'] as const;
/** A template's `escape:`: a format's, or none. */
export const ESCAPE_NAMES = [...FORMAT_NAMES, 'none'] as const;
/** `commit:`: each file renamed into place (files), or every file of a directory swapped at once (snapshot). */
export const COMMIT_MODES = ['files', 'snapshot'] as const;
/** In a template's `check:`, where the staged file's path goes. */
export const CHECK_FILE = '{{file}}';
export const SIGNALS = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGCONT'] as const;

/** `ls --format` */
export const LS_FORMATS = ['table', 'json', 'dotenv', 'yaml'] as const;
/** Parameter Store's parameter types and tiers: `put --type` and `--tier`, and what a parameter is. */
export const PARAMETER_TYPES = ['String', 'StringList', 'SecureString'] as const;
export const PARAMETER_TIERS = ['Standard', 'Advanced', 'Intelligent-Tiering'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];
export type ParameterTier = (typeof PARAMETER_TIERS)[number];
