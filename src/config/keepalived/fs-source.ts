// node:fs adapter for ConfigSource (the only keepalived-loader file that touches the disk).
// Files are read through the bounded reader: regular files only, at most CONFIG_LIMITS.fileBytes.
import { readdirSync, statSync } from 'node:fs';
import { CONFIG_LIMITS } from '../limits.js';
import { isMissingFile, readBoundedFileSync } from '../read-file.js';
import type { ConfigSource } from './source.js';

export const fsSource: ConfigSource = {
  readFile(path) {
    try {
      return readBoundedFileSync(path, CONFIG_LIMITS.fileBytes);
    } catch (e) {
      if (isMissingFile(e)) return undefined;
      throw e;
    }
  },
  exists(path) {
    try {
      statSync(path);
      return true;
    } catch {
      return false;
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
