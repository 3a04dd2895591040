// `halb import --keepalived`: the VRRP half imported from keepalived.conf loads back from the
// generated halb.yaml into the same model. Skipped while src/config/keepalived is the placeholder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic } from '../../../src/config/diagnostics.js';
import { loadConfig } from '../../../src/config/load.js';
import { toYaml } from '../../../src/config/to-yaml.js';
import { ROOT, errors, memFs, stripPos } from './helpers.js';

test('keepalived.conf -> halb.yaml -> same VRRP model', (t) => {
  const file = join(ROOT, 'test/fixtures/config/keepalived-k8s.conf');
  const fromConf = loadConfig({ keepalived: file }, { readFile: (p) => readFileSync(p, 'utf8') });
  if (fromConf.diagnostics.some((d) => /not built yet/.test(d.message))) {
    t.skip('keepalived loader not merged yet');
    return;
  }
  assert.deepEqual(errors(fromConf.diagnostics), [], fromConf.diagnostics.map(formatDiagnostic).join('\n'));
  const text = toYaml(fromConf.config!);
  const back = loadConfig({ yaml: 'out.yaml' }, { readFile: memFs({ 'out.yaml': text }) });
  assert.deepEqual(errors(back.diagnostics), [], text);
  assert.deepEqual(stripPos(back.config), stripPos(fromConf.config), text);
  assert.equal(back.config!.vrrp.instances.length, 2);
});
