import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUNDLE, CLI_BUNDLE } from '../support/run-cli';

describe('the bundle', () => {
  it('ships the license of every package it bundles', () => {
    const text = readFileSync(CLI_BUNDLE.replace(/cli\.js$/, 'THIRD-PARTY-LICENSES.txt'), 'utf8');
    for (const name of ['@aws-sdk/client-ssm', 'handlebars', 'zod', 'yaml', 'pino', 'commander', 'dotenv', 'prom-client']) {
      expect(text, name).toMatch(new RegExp(`^${name.replace('/', '\\/')}@\\d+\\.\\d+\\.\\d+ \\(`, 'm'));
    }
    const sections = text.split(/^\S+@\d+\.\d+\.\d+\S* \(.*\)\n-{72}\n/m).slice(1);
    expect(sections.length).toBeGreaterThan(20);
    for (const s of sections) expect(s.trim().length).toBeGreaterThan(0);
  });

  it('leaves out what the CLI never runs: the other SDK commands and waiters, and source-map', () => {
    const modules = [...readFileSync(CLI_BUNDLE, 'utf8').matchAll(/^\/\/ (node_modules\/\S+)$/gm)].map((m) => m[1] as string);
    const ssm = modules.filter((m) => m.startsWith('node_modules/@aws-sdk/client-ssm/dist-es/commands/'));
    expect(ssm.length).toBeGreaterThan(0);
    expect(
      ssm.every((m) => /\/(GetParametersByPath|GetParameters|GetParameter|PutParameter|DeleteParameter|DescribeParameters)Command\.js$/.test(m)),
      ssm.join('\n'),
    ).toBe(true);
    expect(modules.filter((m) => /client-ssm\/dist-es\/(SSM\.js|waiters\/|pagination\/)/.test(m) || m.startsWith('node_modules/source-map/'))).toEqual([]);
  });

  it('is one executable file', () => {
    expect(statSync(BUNDLE).mode & 0o111).toBeTruthy();
    expect(readFileSync(BUNDLE, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});
