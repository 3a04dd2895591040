// Loads the keepalived-captured golden adverts (test/fixtures/vrrp/*.json, see README there).
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface CapturedPacket {
  readonly src: string;
  readonly dst: string;
  readonly ttl: number;
  readonly payload: string;
}
export interface CapturedFixture {
  readonly name: string;
  readonly config: readonly string[];
  readonly packets: readonly CapturedPacket[];
}

// dist/test/helpers/x.js -> repo root is three levels up from dist/test/helpers.
export const FIXTURE_DIR = fileURLToPath(new URL('../../../test/fixtures/vrrp/', import.meta.url));

export function loadFixture(name: string): CapturedFixture {
  return JSON.parse(readFileSync(`${FIXTURE_DIR}${name}.json`, 'utf8')) as CapturedFixture;
}

export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
