// `npm run bench -- parsers`: the log parsers on their own. On a ~64 MB mixed log (nginx assets and
// API calls, Laravel noise with stack traces, ~3 % OAuth lines taken from test/fixtures/logs), in
// one run: `grep -c -i oauth` (the baseline), the candidate pre-filter per line and per chunk, the
// streaming LogParser over every line, and parseLine on candidate lines only (µs per line), plus
// the worst 1 MB adversarial line. Rates are per CPU second of this process (grep: wall time).
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

mkdirSync('.bench', { recursive: true });
await esbuild.build({
  stdin: {
    contents: `export { isCandidateLine, candidateScanner } from './src/core/logs/candidateFilter';
export { LogParser } from './src/core/logs/logParser';
export { parseLine } from './src/core/logs/parseLine';`,
    resolveDir: process.cwd(), loader: 'ts',
  },
  bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: '.bench/parsers-modules.mjs', logLevel: 'warning', external: ['jose'],
});
const m = await import(new URL('../../.bench/parsers-modules.mjs', import.meta.url).href);
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

// ——— input ———
const file = join('.bench', 'parsers-64MB.log');
if (!existsSync(file)) {
  const oauth = [];
  const walk = (d) => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : /\.(log|jsonl)$/.test(n) ? [join(d, n)] : []));
  for (const f of walk('test/fixtures/logs')) oauth.push(...readFileSync(f, 'utf8').split('\n').filter((l) => m.isCandidateLine(l)));
  let s = 7;
  const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const noise = [
    (i) => `91.198.${i % 250}.${(i * 7) % 250} - - [15/Jan/2024:10:23:45 +0000] "GET /static/js/app.${(i % 97).toString(16)}.js HTTP/1.1" 200 ${48000 + (i % 999)} "https://shop.example.com/products/${i % 500}" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36" 0.00${i % 10}`,
    () => `10.0.0.5 - - [15/Jan/2024:10:23:46 +0000] "GET /health HTTP/1.1" 200 2 "-" "kube-probe/1.27" 0.001`,
    (i) => `[2024-01-15 10:23:45] production.INFO: Order ${i} shipped {"user_id":${i % 9000},"warehouse":"eu-west-1","items":${1 + (i % 5)}} []`,
    (i) => `[2024-01-15 10:23:45] production.DEBUG: select * from "products" where "id" = ? limit 1 {"bindings":[${i}],"time":0.${i % 99}} []`,
    (i) => `{"level":30,"time":${1705314225000 + i},"pid":412,"hostname":"web-1","msg":"request completed","req":{"method":"GET","url":"/api/products?page=${i % 40}"},"res":{"statusCode":200},"responseTime":${i % 50}}`,
    (i) => `#${i % 40} /var/www/html/vendor/laravel/framework/src/Illuminate/Pipeline/Pipeline.php(${i % 300}): Illuminate\\Pipeline\\Pipeline->Illuminate\\Pipeline\\{closure}(Object(Illuminate\\Http\\Request))`,
  ];
  const out = [];
  let bytes = 0;
  for (let i = 0; bytes < 64 * 1024 * 1024; i++) {
    const line = r() < 0.03 ? oauth[Math.floor(r() * oauth.length)] : noise[Math.floor(r() * noise.length)](i);
    out.push(line);
    bytes += Buffer.byteLength(line) + 1;
  }
  writeFileSync(file, out.join('\n') + '\n');
}
const buf = readFileSync(file);
const MB = buf.length / 1048576;
const text = buf.toString('utf8');
const lines = text.split('\n');

// ——— baseline: grep ———
let grepMs = Infinity;
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  spawnSync('grep', ['-c', '-i', 'oauth', file], { stdio: 'ignore' });
  grepMs = Math.min(grepMs, performance.now() - t);
}

function run(label, fn) {
  let best = Infinity;
  let result;
  for (let i = 0; i < 2; i++) {
    const t = cpuMs();
    result = fn();
    best = Math.min(best, cpuMs() - t);
  }
  const rate = MB / (best / 1000);
  console.log(`${label.padEnd(46)} ${rate.toFixed(0).padStart(6)} MB/s  (${(rate / (MB / (grepMs / 1000))).toFixed(2)}× grep)  ${result ?? ''}`);
  return best;
}

console.log(`input: ${file}, ${MB.toFixed(1)} MB, ${lines.length} lines`);
console.log(`${'grep -c -i oauth (wall)'.padEnd(46)} ${(MB / (grepMs / 1000)).toFixed(0).padStart(6)} MB/s`);
run('isCandidateLine, per line', () => { let n = 0; for (const l of lines) if (m.isCandidateLine(l)) n++; return `${n} candidates (${(100 * n / lines.length).toFixed(1)} %)`; });
const latin1 = buf.toString('latin1');
run('candidateScanner, per 512 KiB chunk (latin1)', () => {
  let n = 0;
  const re = m.candidateScanner();
  for (let off = 0; off < latin1.length; off += 524288) {
    const s = latin1.slice(off, off + 524288);
    re.lastIndex = 0;
    for (let x = re.exec(s); x !== null; x = re.exec(s)) {
      n++;
      const nl = s.indexOf('\n', x.index);
      if (nl < 0) break;
      re.lastIndex = nl + 1;
    }
  }
  return `${n} hit lines`;
});
run('LogParser.push, every line (folding, parsing)', () => {
  const p = new m.LogParser();
  let n = 0;
  for (let i = 0; i < lines.length; i++) n += p.push({ source: 'bench.log', line: i + 1, text: lines[i] }).length;
  n += p.flush().length;
  return `${n} events`;
});
const cands = lines.filter((l) => m.isCandidateLine(l));
const t0 = cpuMs();
let events = 0;
for (let i = 0; i < cands.length; i++) if (m.parseLine({ source: 'b', line: i, text: cands[i] })) events++;
const per = ((cpuMs() - t0) * 1000) / cands.length;
console.log(`${'parseLine on candidate lines'.padEnd(46)} ${per.toFixed(1).padStart(6)} µs/line (${events} events from ${cands.length} lines)`);

let worst = 0;
let worstName = '';
const big = 1024 * 1024;
for (const [name, line] of [['1 MB of "a"', 'oauth ' + 'a'.repeat(big)], ['1 MB "(code: " repeats', '[2024-01-15 10:23:45] production.ERROR: oauth ' + '(code: '.repeat(big / 7)], ['1 MB query string', '1.2.3.4 - - [15/Jan/2024:10:23:45 +0000] "GET /oauth/token?' + 'a=b&'.repeat(big / 4) + '" 200 1 "-" "-"'], ['1 MB eyJ. repeats', 'token ' + 'eyJhbGciOi.'.repeat(big / 11)], ['1 MB key= pairs', 'token ' + 'a= '.repeat(big / 3)]]) {
  const t = performance.now();
  m.parseLine({ source: 'x', line: 1, text: line });
  const ms = performance.now() - t;
  if (ms > worst) { worst = ms; worstName = name; }
}
console.log(`${'worst adversarial 1 MB line'.padEnd(46)} ${worst.toFixed(0).padStart(6)} ms (${worstName})`);
