import dotenv from 'dotenv';

/** npm dotenv's two parsers: the default regex one and `{ fast: true }`. */
export function readNpmDotenv(text: string | Buffer): { default: Record<string, string>; fast: Record<string, string> } {
  return { default: dotenv.parse(text), fast: dotenv.parse(text, { fast: true }) };
}
