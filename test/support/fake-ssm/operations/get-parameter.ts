import { parameterArn, parseSelector } from '../name-rules';
import { define, type Decryption } from './context';
import { optionalBoolean, requiredString } from './input';
import { resolveName } from './resolve';

export const getParameter = define({
  parse: (input) => ({ name: requiredString(input, 'Name'), decrypt: optionalBoolean(input, 'WithDecryption') }),
  touches: (req, name) => parseSelector(req.name).name === name,
  resource: (req, ctx) => parameterArn(ctx.settings, parseSelector(req.name).name),
  run(req, ctx) {
    const decrypted: Decryption[] = [];
    const resolved = resolveName(ctx, req.name, req.decrypt, decrypted);
    if ('error' in resolved) throw resolved.error;
    return { body: { Parameter: resolved.parameter }, decrypted };
  },
});
