// Words that name members of every JavaScript object (constructor, toString, __proto__...) are
// ordinary unknown words in haproxy.cfg: the keyword tables are looked up by own keys only.
// Before, 'frontend F / constructor' threw "cap.includes is not a function" out of the loader,
// and 'server ... toString' printed the source of a native function as the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { haproxy } from './helpers.js';

const NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', '__defineGetter__'];

test('keywords named like Object members are unknown keywords, never a crash or a native function', () => {
  for (const w of NAMES) {
    const cases: [string, RegExp][] = [
      [`frontend F\n ${w}\n`, new RegExp(`^unknown keyword '${w}' in frontend section$`)],
      [`backend B\n ${w}\n`, new RegExp(`^unknown keyword '${w}' in backend section$`)],
      [`backend B\n option ${w}\n`, new RegExp(`^unknown option '${w}'$`)],
      [`backend B\n timeout ${w} 1s\n`, new RegExp(`^unknown timeout '${w}'$`)],
      [`backend B\n server s 127.0.0.1:80 ${w}\n`, new RegExp(`^unknown server option '${w}'$`)],
      [`frontend F\n bind 127.0.0.1:80 ${w}\n`, new RegExp(`^unknown bind option '${w}'$`)],
      [`resolvers R\n nameserver ns 127.0.0.1:53\n hold ${w} 1s\n`, new RegExp(`^unknown hold status '${w}'$`)],
    ];
    for (const [text, want] of cases) {
      const { diags } = haproxy(text);
      const last = text.trimEnd().split('\n').length;
      const at = diags.filter((d) => d.line === last);
      assert.ok(
        at.some((d) => d.severity === 'error' && want.test(d.message)),
        `${JSON.stringify(text)}: ${JSON.stringify(at)}`,
      );
      assert.ok(!diags.some((d) => /native code/.test(d.message)), `${JSON.stringify(text)}: ${JSON.stringify(diags)}`);
    }
  }
});

test('environment variables named like Object members are unset until set', () => {
  const unset = haproxy('frontend F\n bind "127.0.0.1:${constructor}"\n');
  assert.ok(!unset.diags.some((d) => /native code/.test(d.message)), JSON.stringify(unset.diags));
  const set = haproxy('global\n presetenv constructor 8080\nfrontend F\n bind "127.0.0.1:${constructor}"\n default_backend B\nbackend B\n server s 127.0.0.1:80\n');
  assert.deepEqual(
    set.lb.frontends[0]!.binds.map((b) => b.port),
    [8080],
    JSON.stringify(set.diags),
  );
});
