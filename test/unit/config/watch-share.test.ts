import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/config';
import { ConfigError } from '../../../src/errors';
import { scratch } from '../../support/tmp';

let dirs: Array<ReturnType<typeof scratch>> = [];
afterEach(() => {
  dirs.forEach((d) => d.cleanup());
  dirs = [];
});

function resolveIn(yaml: string) {
  const s = scratch();
  dirs.push(s);
  s.write('ssm-render.yaml', `prefix: /P\nenv: E\n${yaml}`);
  return resolveConfig({ flags: {}, env: {}, cwd: s.dir });
}
function messageOf(yaml: string): string {
  try {
    resolveIn(yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('watch.share.kubernetes', () => {
  it('is off unless asked for', () => {
    expect(resolveIn('watch: { interval: 1m }\n').watch.share).toBeUndefined();
  });

  it('takes the Lease and ConfigMap names, with spread 30s and lease_duration 15s by default', () => {
    const share = resolveIn('watch:\n  share:\n    kubernetes: { lease: app-lease, configmap: app.versions }\n').watch.share;
    expect(share).toEqual({ kubernetes: { lease: 'app-lease', configMap: 'app.versions', spreadMs: 30_000, leaseDurationMs: 15_000 } });
    const set = resolveIn('watch:\n  share:\n    kubernetes: { lease: a, configmap: b, spread: 0s, lease_duration: 30s }\n').watch.share;
    expect(set?.kubernetes).toMatchObject({ spreadMs: 0, leaseDurationMs: 30_000 });
  });

  it('refuses names Kubernetes would refuse, a missing name and unknown keys, naming the key and the value', () => {
    expect(messageOf('watch:\n  share:\n    kubernetes: { lease: App_Lease, configmap: b }\n')).toContain('watch.share.kubernetes.lease');
    expect(messageOf('watch:\n  share:\n    kubernetes: { lease: App_Lease, configmap: b }\n')).toContain('App_Lease');
    expect(messageOf('watch:\n  share:\n    kubernetes: { lease: a }\n')).toContain('watch.share.kubernetes.configmap');
    expect(messageOf('watch:\n  share:\n    kubernetes: { lease: a, configmap: b, lease: c }\n')).toMatch(/lease/);
    expect(messageOf('watch:\n  share:\n    kubernetes: { lease: a, configmap: b, spred: 1s }\n')).toContain('spred');
    expect(messageOf('watch:\n  share:\n    consul: {}\n')).toContain('consul');
    expect(messageOf('watch:\n  share:\n    kubernetes: { lease: a, configmap: b, lease_duration: 500ms }\n')).toContain(
      'watch.share.kubernetes.lease_duration',
    );
  });
});
