import { AwsError } from '../errors';
import { parameterArn } from '../name-rules';
import { define } from './context';
import { requiredString } from './input';

export const deleteParameter = define({
  parse: (input) => ({ name: requiredString(input, 'Name') }),
  touches: (req, name) => req.name === name,
  resource: (req, ctx) => parameterArn(ctx.settings, req.name),
  run(req, ctx) {
    if (!ctx.store.remove(req.name)) throw new AwsError('ParameterNotFound', '');
    return { body: {}, decrypted: [] };
  },
});
