// node:fs adapter for ConfigSource (the only keepalived-loader file that touches the disk).
import { readFileSync, readdirSync } from 'node:fs';
import type { ConfigSource } from './source.js';

export const fsSource: ConfigSource = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  listDir(path) {
    try {
      return readdirSync(path);
    } catch {
      return undefined;
    }
  },
};
