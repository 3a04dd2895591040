// Worker-thread entry of loadConfigOffThread (load-off-thread.ts): reads, parses and validates
// the sources here, so the daemon's event loop keeps serving while a large config is parsed.
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig, type ConfigSources } from './load.js';

const { sources } = workerData as { sources: ConfigSources };
parentPort!.postMessage(loadConfig(sources));
