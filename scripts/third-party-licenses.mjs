// Writes the license of every npm package that went into a bundle, from esbuild's metafile:
// name, version, license, and the package's own license text.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const packageDir = (input) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];

async function licenseText(dir) {
  const names = (await readdir(dir)).filter((n) => /^(licen[cs]e|copying|notice)/i.test(n)).sort();
  const texts = await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')));
  return texts.join('\n').trim();
}

export async function writeThirdPartyLicenses(metafile, bundle, file) {
  const dirs = [...new Set(Object.keys(metafile.outputs[bundle].inputs).map(packageDir).filter(Boolean))].sort();
  const sections = [];
  for (const dir of dirs) {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    const text = await licenseText(dir);
    sections.push(
      `${pkg.name}@${pkg.version} (${pkg.license ?? 'see below'})\n${'-'.repeat(72)}\n${text || `License: ${pkg.license ?? 'unknown'} (the package ships no license file)`}\n`,
    );
  }
  await writeFile(file, `Third-party software bundled in ${bundle}\n${'='.repeat(72)}\n\n${sections.join('\n')}`);
  return dirs.length;
}
