export { startFakeSsm } from './start';
export type { FakeSsm, FakeSsmOptions, FakeSsmStats, FaultKind, FaultRule, ParameterType, PutOptions, RateLimit, RequestRecord, RuntimeOptions } from './types';
