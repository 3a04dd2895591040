// What a defaults section carries into the proxies that follow it, and what a proxy
// accumulates while its lines are read. Mutable only while parsing. Pure module.
import type { BalanceAlgo, ErrorFile, ForwardFor, HttpExpect, InitAddrMethod, Mode, SourcePos, TcpCheckStep, Timeouts } from '../model.js';

export interface ServerParams {
  check?: boolean;
  backup?: boolean;
  disabled?: boolean;
  weight?: number;
  inter?: number;
  fastinter?: number;
  downinter?: number;
  rise?: number;
  fall?: number;
  checkPort?: number;
  checkSsl?: boolean;
  verify?: 'none' | 'required';
  maxconn?: number;
  maxqueue?: number;
  resolvers?: string;
  resolversPos?: SourcePos;
  initAddr?: InitAddrMethod[];
}

export type CheckKind = { kind: 'httpchk'; method: string; uri: string; version: string; host?: string } | { kind: 'tcp-check' } | { kind: 'ssl-hello' };

export interface StatsSettings {
  enable?: boolean;
  uri?: string;
  auth: { user: string; password: string }[];
  refresh?: number;
  hideVersion?: boolean;
  pos?: SourcePos;
}

export interface ProxySettings {
  mode?: Mode;
  balance?: BalanceAlgo;
  hashType?: 'map-based' | 'consistent';
  timeouts: { -readonly [K in keyof Timeouts]: number };
  retries?: number;
  allBackups?: boolean;
  redispatch?: boolean;
  httpServerClose?: boolean;
  httplog?: boolean;
  tcplog?: boolean;
  dontlognull?: boolean;
  forwardFor?: ForwardFor;
  check?: CheckKind;
  checkPos?: SourcePos;
  httpExpect?: HttpExpect;
  httpSend?: { method?: string; uri?: string; version?: string; host?: string };
  tcpSteps: TcpCheckStep[];
  /** True while the steps are those of the defaults section (a proxy's first own step replaces them). */
  tcpStepsInherited: boolean;
  tcpStepsPos?: SourcePos;
  serverDefaults: ServerParams;
  errorFiles: Record<number, ErrorFile>;
  maxconn?: number;
  defaultBackend?: string;
  defaultBackendPos?: SourcePos;
  stats: StatsSettings;
}

export function emptySettings(): ProxySettings {
  return { timeouts: {}, tcpSteps: [], tcpStepsInherited: false, serverDefaults: {}, errorFiles: {}, stats: { auth: [] } };
}

/** Deep copy: a proxy inherits its defaults section by value (HAProxy copies defaults into each proxy). */
export function cloneSettings(s: ProxySettings): ProxySettings {
  return {
    ...s,
    timeouts: { ...s.timeouts },
    forwardFor: s.forwardFor ? { ...s.forwardFor } : undefined,
    check: s.check ? { ...s.check } : undefined,
    httpExpect: s.httpExpect ? { ...s.httpExpect } : undefined,
    httpSend: s.httpSend ? { ...s.httpSend } : undefined,
    tcpSteps: s.tcpSteps.map((x) => ({ ...x })),
    tcpStepsInherited: s.tcpSteps.length > 0,
    serverDefaults: { ...s.serverDefaults, initAddr: s.serverDefaults.initAddr ? [...s.serverDefaults.initAddr] : undefined },
    errorFiles: { ...s.errorFiles },
    stats: { ...s.stats, auth: [...s.stats.auth] },
  };
}
