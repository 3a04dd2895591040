// The haproxy.cfg keyword status tables (src/config/haproxy/keywords.ts): every row gives its
// note, warning or error, with its reason, at its line. Built from the tables themselves, so a
// row added, removed or moved to another status is covered without editing this file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic, Severity } from '../../../src/config/diagnostics.js';
import {
  BIND_ERROR,
  BIND_WARN_ARG,
  BIND_WARN_FLAG,
  GLOBAL_NOTE,
  GLOBAL_WARN,
  LOG_NOTE,
  OPTION_ERROR,
  OPTION_WARN,
  OTHER_SECTIONS,
  PROXY_ERROR,
  PROXY_NOTE,
  PROXY_WARN,
  SERVER_ERROR,
  SERVER_WARN_ARG,
  SERVER_WARN_FLAG,
  TIMEOUT_WARN,
} from '../../../src/config/haproxy/keywords.js';
import { PROXY_KEYWORDS } from '../../../src/config/haproxy/proxy-keywords.js';
import { haproxy } from './helpers.js';

/** The diagnostics on the last line of `lines` (the line under test). */
function at(lines: string[]): Diagnostic[] {
  const { diags } = haproxy(lines.join('\n') + '\n');
  return diags.filter((d) => d.line === lines.length);
}

function expectOne(lines: string[], severity: Severity, message: string): void {
  const got = at(lines);
  assert.ok(
    got.some((d) => d.severity === severity && d.message === message),
    `${lines.at(-1)}: expected ${severity} '${message}', got ${JSON.stringify(got)}`,
  );
}

const LISTEN = ['listen L', ' bind 127.0.0.1:8080', ' mode http'];

test('global: every accepted row is a note, every ignored row a warning', () => {
  for (const kw of GLOBAL_NOTE) {
    // Implemented by global-section.ts before the tables are consulted; its row only feeds did-you-mean.
    if (kw === 'ssl-server-verify') continue;
    expectOne(['global', ` ${kw}`], 'note', kw === 'log' ? LOG_NOTE : 'has no effect in halb; accepted');
  }
  for (const kw of GLOBAL_WARN) {
    if (GLOBAL_NOTE.has(kw)) continue; // the note row wins (checked first)
    expectOne(['global', ` ${kw}`], 'warning', 'not supported by halb; ignored');
  }
});

test('proxy keywords: notes, warnings with their reason, errors with their reason', () => {
  for (const kw of PROXY_NOTE) {
    // 'no log' is read as a negated 'log'; both give the log note.
    expectOne([...LISTEN, ` ${kw}`], 'note', kw === 'log' || kw === 'no log' ? LOG_NOTE : 'has no effect in halb; accepted');
  }
  for (const [kw, why] of Object.entries(PROXY_WARN)) expectOne([...LISTEN, ` ${kw}`], 'warning', `ignored: ${why}`);
  for (const [kw, why] of Object.entries(PROXY_ERROR)) expectOne([...LISTEN, ` ${kw}`], 'error', why);
});

test('options and timeouts: warnings and errors with their reason', () => {
  for (const [o, why] of Object.entries(OPTION_WARN)) expectOne([...LISTEN, ` option ${o}`], 'warning', `ignored: ${why}`);
  for (const [o, why] of Object.entries(OPTION_ERROR)) expectOne([...LISTEN, ` option ${o}`], 'error', why);
  for (const [t, why] of Object.entries(TIMEOUT_WARN)) expectOne([...LISTEN, ` timeout ${t} 1s`], 'warning', `ignored: ${why}`);
});

test('server and bind options: warnings and errors with their reason', () => {
  const server = (opt: string): string[] => ['backend B', ` server s1 127.0.0.1:80 ${opt}`];
  for (const [o, why] of Object.entries(SERVER_WARN_ARG)) expectOne(server(`${o} x`), 'warning', `server option '${o}' ignored: ${why}`);
  for (const [o, why] of Object.entries(SERVER_WARN_FLAG)) expectOne(server(o), 'warning', `server option '${o}' ignored${why ? `: ${why}` : ''}`);
  for (const [o, why] of Object.entries(SERVER_ERROR)) expectOne(server(`${o} x`), 'error', `server option '${o}': ${why}`);
  const bind = (opt: string): string[] => ['frontend F', ` bind 127.0.0.1:8080 ${opt}`];
  for (const [o, why] of Object.entries(BIND_WARN_ARG)) expectOne(bind(`${o} x`), 'warning', `bind option '${o}' ignored: ${why}`);
  for (const [o, why] of Object.entries(BIND_WARN_FLAG)) expectOne(bind(o), 'warning', `bind option '${o}' ignored: ${why}`);
  for (const [o, why] of Object.entries(BIND_ERROR)) expectOne(bind(`${o} x`), 'error', `bind option '${o}': ${why}`);
});

test('other sections are skipped with a warning', () => {
  for (const s of OTHER_SECTIONS) expectOne([`${s} X`], 'warning', `section '${s}' is not supported; its content is ignored`);
});

test('every implemented proxy keyword row is reached, and its cap decides where it applies', () => {
  let rows = 0;
  for (const [kw, row] of Object.entries(PROXY_KEYWORDS)) {
    if (!row.parse) continue; // 'no': the negation prefix, read before the table
    rows++;
    for (const [kind, name] of [
      ['frontend', 'F'],
      ['backend', 'B'],
      ['listen', 'L'],
      ['defaults', ''],
    ] as const) {
      const got = at([`${kind} ${name}`.trim(), ` ${kw}`]);
      assert.ok(!got.some((d) => /^unknown keyword/.test(d.message)), `${kind} ${kw}: ${JSON.stringify(got)}`);
      const blocked = (kind === 'frontend' && row.cap === 'B') || (kind === 'backend' && row.cap === 'F');
      const side = row.cap === 'F' ? 'frontend' : 'backend';
      const capWarning = got.some((d) => d.severity === 'warning' && d.message === `ignored: a ${side} setting in ${kind} '${name}'`);
      assert.equal(capWarning, blocked, `${kind} ${kw} (cap ${row.cap ?? 'any'}): ${JSON.stringify(got)}`);
    }
  }
  assert.ok(rows >= 15, `only ${rows} rows`);
});
