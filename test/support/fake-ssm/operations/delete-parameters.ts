import { parameterArn } from '../name-rules';
import { define } from './context';
import { stringList } from './input';

export const deleteParameters = define({
  parse: (input) => ({ names: [...new Set(stringList(input, 'Names', 10))] }),
  touches: (req, name) => req.names.includes(name),
  resource: (req, ctx) => parameterArn(ctx.settings, req.names[0] ?? ''),
  resources: (req, ctx) => req.names.map((name) => parameterArn(ctx.settings, name)),
  run(req, ctx) {
    const deleted = req.names.filter((name) => ctx.store.remove(name));
    const invalid = req.names.filter((name) => !deleted.includes(name));
    return { body: { DeletedParameters: deleted, InvalidParameters: invalid }, decrypted: [] };
  },
});
