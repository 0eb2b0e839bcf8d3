import { describe, expect, it } from 'vitest';
import { buildDataSet } from '../../../src/data/dataset';
import type { DataEntry } from '../../../src/data/entry';
import { Redactor } from '../../../src/log';
import { redactable } from '../../../src/runner/render-once';

const entry = (key: string, value: string, layer: DataEntry['layer'], type: DataEntry['type'] = 'String'): DataEntry => ({
  key,
  value,
  type,
  layer,
  origin: key,
});

describe('redactable: what the log redactor is given of the data', () => {
  // Short plain values (4 to 11 characters) are redacted only when taken as secret: a value from the
  // environment or a defaults layer says nothing of its type, so it counts as a SecureString.
  const data = buildDataSet([
    [entry('STORE_PLAIN', 'Zq7store', 'parameter-store'), entry('STORE_SECRET', 'Zq7secure', 'parameter-store', 'SecureString')],
    [entry('FROM_ENV', 'Zq7envpw', 'environment')],
    [entry('FROM_YAML', 'Zq7yamlpw', 'yaml')],
    [entry('FROM_VALUES', 'Zq7defpw', 'defaults')],
  ]);
  const redactor = new Redactor();
  redactor.add(redactable(data));

  it.each(['Zq7envpw', 'Zq7yamlpw', 'Zq7defpw', 'Zq7secure'])('scrubs %s, a short value from outside Parameter Store or a SecureString', (value) => {
    expect(redactor.redact(`a line holding ${value}.`)).toBe('a line holding [REDACTED].');
  });

  it('leaves a short plain String from Parameter Store readable (it would garble logs)', () => {
    expect(redactor.redact('a line holding Zq7store.')).toBe('a line holding Zq7store.');
  });
});
