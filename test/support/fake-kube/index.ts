export { startFakeKube } from './start';
export { inClusterDir, writeKubeconfig } from './kubeconfig';
export type { CallRecord, FakeKube, FakeKubeOptions, FaultKind, FaultRule, KubeObject, Resource, Verb } from './types';
