// The one place the version comes from: package.json, read at start-up.
import { readFileSync } from 'node:fs';

export const HALB_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
