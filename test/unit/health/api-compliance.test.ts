// The real monitor (on a manual clock, with a scripted checker) and the in-memory
// StaticHealthState pass the same HealthMonitorApi compliance suite.
import { createHealthMonitor } from '../../../src/health/monitor.js';
import { StaticHealthState } from '../../../src/health/static-state.js';
import { checkResult } from '../../../src/health/check-status.js';
import type { Checker } from '../../../src/health/checkers.js';
import { silentLogger } from '../../../src/log/logger.js';
import { ManualClock } from '../../../src/util/clock.js';
import { healthApiCompliance } from '../../helpers/health/api-compliance.js';
import { ManualTimers } from '../../helpers/health/manual-timers.js';
import { eventually } from '../../helpers/eventually.js';

healthApiCompliance(
  'createHealthMonitor',
  (backends) => {
    const clock = new ManualClock(0);
    const timers = new ManualTimers(clock);
    const failing = new Set<string>();
    const checker: Checker = async (_spec, target) => (failing.has(String(target.port)) ? checkResult('L7STS', 1, { code: 500 }) : checkResult('L7OK', 1, { code: 200 }));
    const api = createHealthMonitor({ backends, logger: silentLogger(), clock, timers, checker, spreadChecks: false });
    const portOf = (b: string, s: string): string => String(backends.find((x) => x.name === b)!.servers.find((x) => x.name === s)!.port);
    // Each change is seen by the next scheduled check (rise = fall = 1 in the suite).
    const drive = async (b: string, s: string, up: boolean): Promise<void> => {
      if (up) failing.delete(portOf(b, s));
      else failing.add(portOf(b, s));
      await eventually(
        `${b}/${s} ${up ? 'UP' : 'DOWN'}`,
        async () => {
          await timers.advanceTo(clock.now() + 1000);
          return api.isUp(b, s) === up;
        },
        5000,
        0,
      );
    };
    return { api, fail: (b, s) => drive(b, s, false), recover: (b, s) => drive(b, s, true) };
  },
  { readsConfig: true },
);

healthApiCompliance(
  'StaticHealthState',
  () => {
    const api = new StaticHealthState({ now: () => 0 });
    return {
      api,
      fail: async (b, s) => api.set(b, s, 'DOWN', 'set by test'),
      recover: async (b, s) => api.set(b, s, 'UP', 'set by test'),
    };
  },
  { readsConfig: false },
);
