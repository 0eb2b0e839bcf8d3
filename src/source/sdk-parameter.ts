import type { Parameter as SdkParameter } from '@aws-sdk/client-ssm';
import type { ParameterType } from '../config/choices';
import type { Parameter } from './types';

/** A parameter as the SDK returned it, in our shape; `asked` names it when the answer left the name out. */
export function toParameter(p: SdkParameter | undefined, asked = ''): Parameter {
  return {
    name: p?.Name ?? asked,
    type: (p?.Type ?? 'String') as ParameterType,
    value: p?.Value ?? '',
    version: p?.Version ?? 0,
    lastModified: p?.LastModifiedDate,
    selector: p?.Selector,
  };
}
