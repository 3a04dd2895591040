// How long a SIGHUP reload blocks the daemon's event loop, for the worst inputs the config limits
// allow and for hostile ones. A Daemon (load balancer on 127.0.0.1) runs in this process; each
// case rewrites its haproxy.cfg and reloads, while a 1 ms timer records the longest gap between
// its ticks. Prints one row per case; `--sync` also times loading the same file on the loop
// (what a reload did before it moved to a worker thread).
//   node dist/bench/reload-block.js [--sync]
import { mkdtempSync, rmSync, writeFileSync, openSync, ftruncateSync, closeSync, writeSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon } from '../src/daemon/daemon.js';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/log/logger.js';
import { CONFIG_LIMITS } from '../src/config/limits.js';
import { createServer } from 'node:net';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

let PORT = 0;

const HEAD = ['global', '  maxconn 1000', 'defaults', '  mode http', '  timeout connect 1s', '  timeout client 10s', '  timeout server 10s'];

function baseCfg(extra: string[] = []): string {
  return [...HEAD, 'frontend f', `  bind 127.0.0.1:${PORT}`, ...extra, '  default_backend b0', 'backend b0', '  server s0 127.0.0.1:9', ''].join('\n');
}

/** The largest valid haproxy.cfg under the file limit: backends of 20 servers each. */
function worstValidCfg(limit: number): { text: string; servers: number } {
  const out = [...HEAD, 'frontend f', `  bind 127.0.0.1:${PORT}`, '  default_backend b0'];
  let size = out.join('\n').length;
  let servers = 0;
  for (let i = 0; ; i++) {
    const block = [`backend b${i}`, '  balance roundrobin'];
    for (let j = 0; j < 20; j++) block.push(`  server s${j} 127.0.${i % 250}.${j + 1}:8080 weight 10 maxconn 100`);
    const add = block.join('\n').length + 1;
    if (size + add > limit - 16) break;
    out.push(...block);
    size += add;
    servers += 20;
  }
  return { text: out.join('\n') + '\n', servers };
}

interface Row {
  readonly name: string;
  readonly bytes: number;
  readonly accepted: boolean;
  readonly reloadMs: number;
  readonly maxGapMs: number;
  readonly syncLoadMs?: number;
}

async function measure(daemon: Daemon, cfgPath: string, name: string, text: string | (() => void), sync: boolean): Promise<Row> {
  if (typeof text === 'string') writeFileSync(cfgPath, text);
  else text();
  const bytes = typeof text === 'string' ? Buffer.byteLength(text) : 0;
  let syncLoadMs: number | undefined;
  if (sync) {
    const t0 = performance.now();
    loadConfig({ haproxy: cfgPath });
    syncLoadMs = performance.now() - t0;
  }
  let last = performance.now();
  let maxGap = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 1);
  await new Promise((r) => setTimeout(r, 50));
  maxGap = 0;
  last = performance.now();
  const t0 = performance.now();
  const accepted = await daemon.reload();
  const reloadMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(tick);
  return { name, bytes, accepted, reloadMs, maxGapMs: maxGap, ...(syncLoadMs !== undefined ? { syncLoadMs } : {}) };
}

async function main(): Promise<void> {
  const sync = process.argv.includes('--sync');
  PORT = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'halb-reload-block-'));
  try {
    const cfg = join(dir, 'haproxy.cfg');
    writeFileSync(cfg, baseCfg());
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const logger = createLogger({ level: 'fatal' });
    const daemon = new Daemon({ sources: { haproxy: cfg }, logger });
    await daemon.start();
    const worst = worstValidCfg(CONFIG_LIMITS.fileBytes);
    const rows: Row[] = [];
    rows.push(await measure(daemon, cfg, 'small valid config', baseCfg(['  timeout client 11s']), sync));
    rows.push(await measure(daemon, cfg, 'errorfile /dev/zero', baseCfg(['  errorfile 503 /dev/zero']), sync));
    rows.push(await measure(daemon, cfg, 'errorfile FIFO', baseCfg([`  errorfile 503 ${fifo}`]), sync));
    rows.push(await measure(daemon, cfg, '1 MB line', baseCfg([`  # ${'x'.repeat(1_000_000)}`]), sync));
    rows.push(
      await measure(
        daemon,
        cfg,
        '50 MB file',
        () => {
          const fd = openSync(cfg, 'w');
          writeSync(fd, '# big\n');
          ftruncateSync(fd, 50 * 1024 * 1024);
          closeSync(fd);
        },
        sync,
      ),
    );
    // Parsed and validated to the end, then refused: what reading costs the loop, without the apply.
    rows.push(await measure(daemon, cfg, `worst valid + 1 error (${worst.servers} servers)`, worst.text + 'backend last\n  balance roundrobn\n', sync));
    rows.push(await measure(daemon, cfg, `worst valid (${worst.servers} servers)`, worst.text, sync));
    rows.push(await measure(daemon, cfg, 'back to small', baseCfg(), sync));
    await daemon.stop();
    console.log(`| case | bytes | accepted | reload ms | longest loop block ms |${sync ? ' load on the loop ms |' : ''}`);
    console.log(`|---|---:|---|---:|---:|${sync ? '---:|' : ''}`);
    for (const r of rows) {
      console.log(
        `| ${r.name} | ${r.bytes} | ${r.accepted ? 'yes' : 'no'} | ${r.reloadMs.toFixed(0)} | ${r.maxGapMs.toFixed(1)} |${r.syncLoadMs !== undefined ? ` ${r.syncLoadMs.toFixed(0)} |` : ''}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
