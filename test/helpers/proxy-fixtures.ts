// Builders for config model objects with HAProxy-like defaults, so data-plane tests can
// construct exactly the frontends/backends they need without a config parser.
import type { Backend, Frontend, Server } from '../../src/config/model.js';
import { scaled } from './timescale.js';

export { TIMESCALE, scaled } from './timescale.js';

export function server(name: string, port: number, extra: Partial<Server> = {}): Server {
  return {
    name,
    address: '127.0.0.1',
    port,
    weight: 1,
    backup: false,
    disabled: false,
    check: false,
    checkSsl: false,
    verify: 'none',
    inter: 2000,
    rise: 2,
    fall: 3,
    initAddr: ['last', 'libc', 'none'],
    ...extra,
  };
}

export function backend(name: string, servers: Server[], extra: Partial<Backend> = {}): Backend {
  return {
    name,
    mode: 'http',
    balance: { algo: 'roundrobin', hashType: 'consistent' },
    servers,
    allBackups: false,
    redispatch: false,
    retries: 3,
    timeouts: { connect: scaled(2000), server: scaled(10000) },
    healthCheck: { type: 'tcp' },
    httpServerClose: false,
    errorFiles: {},
    ...extra,
  };
}

export function frontend(name: string, defaultBackend: string, extra: Partial<Frontend> = {}): Frontend {
  return {
    name,
    mode: 'http',
    binds: [{ address: '127.0.0.1', port: 0, pos: { file: 'test.cfg', line: 10 } }],
    defaultBackend,
    timeouts: { client: scaled(10000), httpRequest: scaled(5000) },
    httpServerClose: false,
    log: { httplog: true, tcplog: false, dontlognull: false },
    errorFiles: {},
    ...extra,
  };
}
