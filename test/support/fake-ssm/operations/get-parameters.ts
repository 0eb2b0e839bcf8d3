import { parameterArn, parseSelector } from '../name-rules';
import { define, type Decryption } from './context';
import { optionalBoolean, stringList } from './input';
import { isSecretReference, resolveName, secretWithoutDecryption } from './resolve';

export const getParameters = define({
  parse(input) {
    const names = [...new Set(stringList(input, 'Names', 10))];
    const decrypt = optionalBoolean(input, 'WithDecryption');
    if (!decrypt && names.some(isSecretReference)) throw secretWithoutDecryption();
    return { names, decrypt };
  },
  touches: (req, name) => req.names.some((n) => parseSelector(n).name === name),
  resource: (req, ctx) => parameterArn(ctx.settings, parseSelector(req.names[0] ?? '').name),
  resources: (req, ctx) => req.names.map((n) => parameterArn(ctx.settings, parseSelector(n).name)),
  run(req, ctx) {
    const decrypted: Decryption[] = [];
    const parameters: Record<string, unknown>[] = [];
    const invalid: string[] = [];
    for (const raw of req.names) {
      const resolved = resolveName(ctx, raw, req.decrypt, decrypted);
      if ('error' in resolved) invalid.push(raw);
      else parameters.push(resolved.parameter);
    }
    return { body: { Parameters: parameters, InvalidParameters: invalid }, decrypted };
  },
});
