import { describe, expect, it } from 'vitest';
import { assignEnvNames, envNameOf, KeyCollisionError } from '../../../src/data/keys';

describe('envNameOf / assignEnvNames', () => {
  it('maps the guide names', () => {
    expect(envNameOf('MYSQL/PASSWORD')).toBe('MYSQL_PASSWORD');
    expect(envNameOf('es/api-key.v2')).toBe('ES_API_KEY_V2');
  });

  it('refuses two keys on one name, naming both', () => {
    expect(() => assignEnvNames(['db-host', 'DB_HOST'])).toThrow(KeyCollisionError);
    expect(() => assignEnvNames(['a/b', 'A.B'])).toThrow(/Keys `a\/b` and `A.B` both become the environment variable `A_B`/);
  });

  it('refuses a name that cannot be an environment variable', () => {
    expect(() => assignEnvNames(['1PASSWORD'])).toThrow(/Key `1PASSWORD` cannot be an environment variable name/);
  });
});
