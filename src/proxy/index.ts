// Public surface of the data plane, for the composition root and the benchmarks.
export { createProxy, BindError, type Proxy, type ProxyOptions, type ProxyConfig, type BoundAddress } from './proxy.js';
export type { ProxyStats, FrontendStats, BackendStats, ServerStats, Counters } from './counters.js';
export type { AccessLogRecord } from './context.js';
export { DEFAULT_LIMITS, type HeadLimits } from './http/head-parser.js';
