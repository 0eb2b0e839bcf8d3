import { AwsError } from '../errors';
import { parameterArn } from '../name-rules';
import { define } from './context';
import { optionalInteger, requiredString, stringList } from './input';

const MAX_LABELS = 10;

/** AWS's label rules: 1-100 of [a-zA-Z0-9_.-], not starting with a digit, `aws` or `ssm`. */
const validLabel = (label: string) => /^[a-zA-Z_.-][a-zA-Z0-9_.-]{0,99}$/.test(label) && !/^(aws|ssm)/i.test(label);

export const labelParameterVersion = define({
  parse: (input) => ({
    name: requiredString(input, 'Name'),
    version: optionalInteger(input, 'ParameterVersion', 1, Number.MAX_SAFE_INTEGER),
    labels: stringList(input, 'Labels', MAX_LABELS),
  }),
  touches: (req, name) => req.name === name,
  resource: (req, ctx) => parameterArn(ctx.settings, req.name),
  run(req, ctx) {
    const history = ctx.store.history(req.name);
    if (!history) throw new AwsError('ParameterNotFound', `Parameter ${req.name} not found.`);
    const target = req.version === undefined ? history.at(-1) : history.find((v) => v.version === req.version);
    if (!target) {
      throw new AwsError('ParameterVersionNotFound', `Systems Manager could not find version ${req.version} of ${req.name}. Verify the version and try again.`);
    }
    const valid = req.labels.filter(validLabel);
    if (new Set([...target.labels, ...valid]).size > MAX_LABELS) {
      throw new AwsError(
        'ParameterVersionLabelLimitExceeded',
        'A parameter version can have maximum 10 labels. Move one or more labels to another version and try again.',
      );
    }
    ctx.store.label(req.name, target.version, valid);
    return { body: { InvalidLabels: req.labels.filter((l) => !validLabel(l)), ParameterVersion: target.version }, decrypted: [] };
  },
});
