import type { Handler } from './context';
import { deleteParameter } from './delete-parameter';
import { deleteParameters } from './delete-parameters';
import { describeParameters } from './describe-parameters';
import { getParameter } from './get-parameter';
import { getParameterHistory } from './get-parameter-history';
import { getParameters } from './get-parameters';
import { getParametersByPath } from './get-parameters-by-path';
import { labelParameterVersion } from './label-parameter-version';
import { putParameter } from './put-parameter';

/** Every operation the fake serves, by the name in `X-Amz-Target: AmazonSSM.<name>`. */
export const OPERATIONS: Readonly<Record<string, Handler>> = {
  GetParameter: getParameter,
  GetParameters: getParameters,
  GetParametersByPath: getParametersByPath,
  DescribeParameters: describeParameters,
  PutParameter: putParameter,
  DeleteParameter: deleteParameter,
  DeleteParameters: deleteParameters,
  LabelParameterVersion: labelParameterVersion,
  GetParameterHistory: getParameterHistory,
};
