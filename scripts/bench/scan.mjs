// `npm run bench -- scan`: times `oauth-diagnose scan FILE --json` against `grep -c -i oauth FILE`
// on the same realistic mixed log (most lines unrelated: nginx static assets and API calls, app
// noise; about 3 % OAuth flows, some failing), at 100 MB and 1 GB, printing both throughputs, their
// ratio and the scan's peak RSS (GNU time's %M, else VmHWM from /proc), plus both CPU times and
// the ratio per CPU second when /usr/bin/time is there (fairer on a shared machine). Targets: scan ≥ ½ grep's throughput, RSS < 150 MB.
// Files are generated once into the git-ignored .bench/ and reused.
// Then, per size, where the scan's time goes: the stages of the scan run one by one, each on one
// thread in a fresh process (stages/scanStage.mjs): reading and gating the file, then parsing the
// candidate lines, then the whole diagnosis; their CPU times give the cost per candidate line of
// parsing and of correlating/detecting, set against what a scan at half grep's speed could spend.
// Env: BENCH_SCAN_SKIP_1GB=1 skips the 1 GB size (quick runs); BENCH_SCAN_SIZES=50,200 (MB) overrides;
// BENCH_SCAN_STAGES=0 skips the stage runs.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, writeSync, closeSync, statSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const benchDir = join(root, '.bench');
const cli = join(root, 'dist', 'cli.js');
const GEN_VERSION = 3;

// ——— generation ———

/** A small deterministic PRNG so every generated file is the same. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UA = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'kube-probe/1.28',
  'curl/8.5.0',
];
const ASSETS = ['/static/js/app.3f9a1c.js', '/static/css/main.77aa01.css', '/images/logo.svg', '/fonts/inter-var.woff2', '/static/js/vendor.91bc2e.js', '/favicon.ico', '/images/hero@2x.webp'];
const API = ['/api/v1/orders?page=', '/api/v1/products/', '/api/v1/cart', '/api/v1/search?q=shoes&page=', '/dashboard', '/settings/profile'];
const NOISE = [
  (r, n) => `production.INFO: Order ${n} shipped {"user_id":${Math.floor(r() * 9000)},"warehouse":"eu-west-1","items":${1 + Math.floor(r() * 5)}}`,
  (r, n) => `production.DEBUG: select * from "products" where "id" = ? limit 1 {"bindings":[${n}],"time":${(r() * 3).toFixed(2)}}`,
  (r, n) => `production.INFO: Cache miss for key product:${n}:price, recomputed in ${Math.floor(r() * 40)} ms`,
  (r, n) => `production.WARNING: Slow query detected (${Math.floor(200 + r() * 800)} ms) on table "order_items" {"rows":${n}}`,
  (r, n) => `production.INFO: Queue worker processed job App\\Jobs\\SendNewsletter#${n} in ${Math.floor(r() * 900)} ms`,
];

function clf(ms) {
  const d = new Date(ms);
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
function lar(ms) {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}
function ip(r) {
  return `${10 + Math.floor(r() * 200)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${1 + Math.floor(r() * 254)}`;
}
function hex(r, n) {
  let s = '';
  while (s.length < n) s += Math.floor(r() * 0xffffffff).toString(16).padStart(8, '0');
  return s.slice(0, n);
}
function b64url(s) {
  return Buffer.from(s).toString('base64url');
}

/** One OAuth flow's lines (nginx + Laravel), some failing the usual ways. */
function oauthFlow(r, t, n) {
  const client = ['chatgpt-connector', 'mcp-inspector', 'mobile-app'][n % 3];
  const redirect = 'https://chatgpt.com/backend-api/aip/connectors/oauth/callback';
  const state = hex(r, 24);
  const verifier = state + state;
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const code = 'def50200' + hex(r, 48);
  const user = ip(r);
  const server = '34.120.5.' + (n % 200);
  const kind = n % 10; // 0-6 healthy, 7 redirect slash, 8 expired code, 9 abandoned
  const lines = [];
  const q = `response_type=code&client_id=${client}&redirect_uri=${encodeURIComponent(redirect)}&state=${state}&scope=openid%20profile&code_challenge=${challenge}&code_challenge_method=S256`;
  lines.push(`${user} - - [${clf(t)}] "GET /oauth/authorize?${q} HTTP/1.1" 200 5120 "-" "${UA[n % 3]}"`);
  if (kind === 9) return lines;
  lines.push(`${user} - - [${clf(t + 4000)}] "POST /oauth/authorize HTTP/1.1" 302 0 "https://id.example.com/oauth/authorize" "${UA[n % 3]}"`);
  const tt = t + (kind === 8 ? 95_000 : 5000);
  lines.push(`[${lar(t + 4000)}] production.INFO: Authorization code issued {"client_id":"${client}","user_id":${n},"code":"${code}","state":"${state}"}`);
  const tokenRedirect = kind === 7 ? redirect + '/' : redirect;
  lines.push(`[${lar(tt)}] production.INFO: Token request {"grant_type":"authorization_code","client_id":"${client}","redirect_uri":"${tokenRedirect}","code":"${code}","code_verifier":"${verifier}"}`);
  if (kind === 7 || kind === 8) {
    const hint = kind === 8 ? 'Authorization code has expired' : 'Invalid redirect URI';
    lines.push(`[${lar(tt)}] production.ERROR: The provided authorization grant (e.g. authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client. {"exception":"[object] (League\\\\OAuth2\\\\Server\\\\Exception\\\\OAuthServerException(code: 10): ${hint} at /var/www/vendor/league/oauth2-server/src/Exception/OAuthServerException.php:243)"}`);
    lines.push(`${server} - - [${clf(tt)}] "POST /oauth/token HTTP/1.1" 400 214 "-" "python-httpx/0.27"`);
    return lines;
  }
  lines.push(`${server} - - [${clf(tt)}] "POST /oauth/token HTTP/1.1" 200 1834 "-" "python-httpx/0.27"`);
  const jwt = `${b64url('{"alg":"RS256","typ":"at+jwt","kid":"k1"}')}.${b64url(JSON.stringify({ iss: 'https://id.example.com', sub: String(n), aud: 'mcp', scope: 'openid profile', exp: Math.floor(tt / 1000) + 3600, iat: Math.floor(tt / 1000) }))}.${hex(r, 43)}`;
  lines.push(`[${lar(tt + 1000)}] production.DEBUG: MCP request authorized {"path":"/mcp","authorization":"Bearer ${'eyJ' + jwt.slice(3)}"}`);
  return lines;
}

function generate(file, bytes) {
  const r = rng(42);
  const tmp = file + '.part';
  const fd = openSync(tmp, 'w');
  let written = 0;
  let t = Date.parse('2026-11-28T00:00:00Z');
  let n = 0;
  let batch = [];
  let batchBytes = 0;
  while (written < bytes) {
    t += Math.floor(r() * 40);
    n++;
    const x = r();
    let line;
    if (x < 0.006) {
      for (const l of oauthFlow(r, t, n)) {
        batch.push(l);
        batchBytes += l.length + 1;
      }
      continue;
    } else if (x < 0.55) {
      line = `${ip(r)} - - [${clf(t)}] "GET ${ASSETS[Math.floor(r() * ASSETS.length)]} HTTP/1.1" ${r() < 0.02 ? 404 : 200} ${Math.floor(r() * 90000)} "https://shop.example.com/" "${UA[Math.floor(r() * 3)]}"`;
    } else if (x < 0.78) {
      const p = API[Math.floor(r() * API.length)];
      line = `${ip(r)} - - [${clf(t)}] "GET ${p}${p.endsWith('=') || p.endsWith('/') ? Math.floor(r() * 50) : ''} HTTP/1.1" ${r() < 0.01 ? 500 : 200} ${Math.floor(r() * 20000)} "-" "${UA[Math.floor(r() * 3)]}"`;
    } else if (x < 0.8) {
      line = `10.0.0.${Math.floor(r() * 9)} - - [${clf(t)}] "GET /health HTTP/1.1" ${r() < 0.5 ? 200 : 401} 2 "-" "kube-probe/1.28"`;
    } else {
      line = `[${lar(t)}] ${NOISE[Math.floor(r() * NOISE.length)](r, n)}`;
    }
    batch.push(line);
    batchBytes += line.length + 1;
    if (batchBytes > 4 * 1024 * 1024) {
      writeSync(fd, batch.join('\n') + '\n');
      written += batchBytes;
      batch = [];
      batchBytes = 0;
    }
  }
  if (batch.length) writeSync(fd, batch.join('\n') + '\n');
  closeSync(fd);
  renameSync(tmp, file);
}

function ensureFile(mb) {
  mkdirSync(benchDir, { recursive: true });
  const file = join(benchDir, `mixed-v${GEN_VERSION}-${mb}MB.log`);
  if (!existsSync(file)) {
    const started = Date.now();
    process.stdout.write(`generating ${file} … `);
    generate(file, mb * 1024 * 1024);
    console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return file;
}

// ——— measurement ———

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME);

/**
 * Runs a command, returns wall time (ms), CPU time (user + system, ms; when GNU time is there) and
 * peak RSS (kB). CPU time is the fairer figure on a shared machine: wall time also counts the time
 * other processes held the cores. With GNU time the peak RSS is its %M (the child's own maxrss);
 * without it, VmHWM polled from /proc.
 */
function timed(cmd, args, { keepStdout = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const timeFile = join(benchDir, `.time-${process.pid}`);
    const [exe, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%U %S %M', '-o', timeFile, cmd, ...args]] : [cmd, args];
    // stdout must be a pipe, not /dev/null: GNU grep stops at the first match when its output
    // is /dev/null (it then only needs the exit status), which would flatter its throughput.
    const child = spawn(exe, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => {
      if (keepStdout) stdout += d;
    });
    let hwm = 0;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const poll = hasGnuTime ? undefined : setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (poll) clearInterval(poll);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      let cpuMs;
      if (hasGnuTime) {
        try {
          const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
          const [u, sy, rss] = last.split(' ').map(Number);
          cpuMs = (u + sy) * 1000;
          hwm = rss;
        } catch {
          /* no figures */
        }
        rmSync(timeFile, { force: true });
      }
      resolve({ ms, cpuMs, hwmKb: hwm, code, stderr, stdout });
    });
  });
}

async function measure(mb) {
  const file = ensureFile(mb);
  const size = statSync(file).size;
  const sizeMb = size / 1024 / 1024;
  // Warm the page cache so both read from memory.
  spawnSync('cat', [file], { stdio: ['ignore', 'ignore', 'ignore'] });
  const grep = await timed('grep', ['-c', '-i', 'oauth', file]);
  // VmHWM of the node process itself: run it through a wrapper-free spawn so the pid is node's.
  const scan = await timed(process.execPath, [cli, 'scan', file, '--json']);
  if (scan.code !== 0 && scan.code !== 1) throw new Error(`scan failed (exit ${scan.code}): ${scan.stderr.slice(0, 400)}`);
  const grepMbs = sizeMb / (grep.ms / 1000);
  const scanMbs = sizeMb / (scan.ms / 1000);
  const ratio = scanMbs / grepMbs;
  const rssMb = scan.hwmKb / 1024;
  console.log(`${String(Math.round(sizeMb)).padStart(5)} MB  grep -c -i oauth: ${grepMbs.toFixed(0).padStart(5)} MB/s (${(grep.ms / 1000).toFixed(2)} s)  ` +
    `scan --json: ${scanMbs.toFixed(0).padStart(5)} MB/s (${(scan.ms / 1000).toFixed(2)} s)  ratio ${ratio.toFixed(2)} (target ≥ 0.50)  ` +
    `scan peak RSS ${rssMb.toFixed(0)} MB (target < 150)  [load avg ${loadavg()[0].toFixed(1)}, the two runs share the machine]`);
  if (grep.cpuMs !== undefined && scan.cpuMs !== undefined && grep.cpuMs > 0 && scan.cpuMs > 0) {
    console.log(`        per CPU second: grep ${(sizeMb / (grep.cpuMs / 1000)).toFixed(0)} MB/s (${(grep.cpuMs / 1000).toFixed(2)} s CPU)  ` +
      `scan ${(sizeMb / (scan.cpuMs / 1000)).toFixed(0)} MB/s (${(scan.cpuMs / 1000).toFixed(2)} s CPU)  CPU ratio ${(grep.cpuMs / scan.cpuMs).toFixed(2)}`);
  }
  if (process.env.BENCH_SCAN_STAGES !== '0' && grep.cpuMs !== undefined) await stages(file, grep);
  return { ratio, rssMb };
}

// ——— where the time goes ———

const stageScript = join(root, 'scripts', 'bench', 'stages', 'scanStage.mjs');
const stageModules = join(benchDir, 'scan-stage-modules.cjs');
let stageModulesBuilt = false;

/**
 * Runs the scan's stages one by one (see stages/scanStage.mjs) on `file` and prints their CPU
 * times, the cost per candidate line of parsing and of correlating and detecting, and what a scan
 * at half of grep's speed in this run could spend per candidate line once the file is read and
 * gated: the wall time it may take, times the cores, less the CPU time of reading and gating.
 */
async function stages(file, grep) {
  if (!stageModulesBuilt) {
    await esbuild.build({
      stdin: {
        contents: `export { readLinesSync } from './src/cli/fileLines';
export { LineParseStage } from './src/core/engine/parsedLines';
export { DiagnosisEngine } from './src/core/engine/diagnosisEngine';
export { writeJsonReport } from './src/core/report/jsonReport';`,
        resolveDir: root, loader: 'ts',
      },
      bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: stageModules, logLevel: 'warning',
    });
    stageModulesBuilt = true;
  }
  const wasm = join(root, 'dist', 'candidateScan.wasm');
  const cpu = {};
  let counts;
  for (const mode of ['gate', 'parse', 'full']) {
    const r = await timed(process.execPath, [stageScript, mode, file, stageModules, wasm], { keepStdout: true });
    if (r.code !== 0 || r.cpuMs === undefined) throw new Error(`scan stage ${mode} failed (exit ${r.code}): ${r.stderr.slice(0, 400)}`);
    cpu[mode] = r.cpuMs / 1000;
    counts = JSON.parse(r.stdout.trim().split('\n').pop());
  }
  const n = counts.candidates;
  const us = (s) => ((s * 1e6) / n).toFixed(1);
  const cores = availableParallelism();
  // A scan at half grep's speed may take twice grep's wall time, on every core.
  const budget = (2 * grep.ms / 1000) * cores;
  const left = budget - cpu.gate;
  console.log(`        where the time goes, one thread per stage (CPU s): read + gate ${cpu.gate.toFixed(2)} (${counts.lines} lines, ${n} candidates)` +
    `  + parse ${(cpu.parse - cpu.gate).toFixed(2)} (${us(cpu.parse - cpu.gate)} µs per candidate)` +
    `  + correlate, detect, report ${(cpu.full - cpu.parse).toFixed(2)} (${us(cpu.full - cpu.parse)} µs)`);
  console.log(`        ratio 0.5 here: ${(2 * grep.ms / 1000).toFixed(2)} s wall × ${cores} cores = ${budget.toFixed(2)} CPU s; after read + gate, ` +
    `${left > 0 ? us(left) : '0'} µs per candidate line for parse + correlate + detect (measured: ${us(cpu.full - cpu.gate)} µs)`);
}

if (!existsSync(cli)) {
  console.log('building dist/cli.js …');
  const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
  if (b.status !== 0) process.exit(1);
}
if (process.argv.includes('--generate-only')) {
  const mb = Number(process.argv[process.argv.indexOf('--generate-only') + 1]) || 100;
  console.log(ensureFile(mb));
  process.exit(0);
}
const sizes = process.env.BENCH_SCAN_SIZES
  ? process.env.BENCH_SCAN_SIZES.split(',').map(Number).filter((n) => n > 0)
  : process.env.BENCH_SCAN_SKIP_1GB ? [100] : [100, 1024];
let ok = true;
for (const mb of sizes) {
  const { ratio, rssMb } = await measure(mb);
  if (ratio < 0.5 || rssMb >= 150) ok = false;
}
console.log(ok ? 'scan bench: targets met' : 'scan bench: TARGETS MISSED');
process.exit(ok ? 0 : 1);
