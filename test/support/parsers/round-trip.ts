import { Unrepresentable, type Entry, type Format } from '../../../src/render/formats/types';

export interface Refusal {
  value: string;
  reason: string;
}

export interface Written {
  /** Values the format accepted, as entries named `K<i>` / `V_<i>` after their index. */
  accepted: Entry[];
  refused: Refusal[];
  /** `document` of the accepted entries. */
  text: string;
}

/** Splits `values` into what `format` refuses and what it writes, and writes the latter as one file. */
export function writeAll(format: Format, values: readonly string[]): Written {
  const accepted: Entry[] = [];
  const refused: Refusal[] = [];
  values.forEach((value, i) => {
    try {
      format.scalar(value);
      accepted.push({ key: `K${i}`, envName: `V_${i}`, value });
    } catch (error) {
      if (!(error instanceof Unrepresentable)) throw error;
      refused.push({ value, reason: error.reason });
    }
  });
  return { accepted, refused, text: format.document(accepted) };
}

/** `{ V_<i>: value }` for the accepted entries: what a reader of the file must return. */
export function expectedEnv(accepted: readonly Entry[]): Record<string, string> {
  return Object.fromEntries(accepted.map(({ envName, value }) => [envName, value]));
}

/** A reason that quotes a long enough value would leak it; short values may match by chance. */
export function leaksValue({ value, reason }: Refusal): boolean {
  return value.length >= 12 && reason.includes(value);
}
