export { startFakeSsm } from './start';
export type {
  FakeSsm,
  FakeSsmOptions,
  FakeSsmStats,
  FaultKind,
  FaultRule,
  IssuedCredentials,
  ParameterType,
  PutOptions,
  RateLimit,
  RequestRecord,
  RoleOptions,
  RuntimeOptions,
} from './types';
