// Bench: wall time of a full probe run (discovery via the protected resource, AS metadata, JWKS,
// MCP manifest, the six client-authentication flavors, the authorize probe with redirect-variant
// search) against the embedded demo server on loopback. Target: median < 1 s.
// Baselines measured in the same run: one bare `fetch` of the metadata (network floor) and the
// sum of the step durations (what running the probes one after another would cost).
import { performance } from 'node:perf_hooks';
import { startDemoServer } from '../demo-server.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_MS = 1000;

const { tsImport } = await import('tsx/esm/api');
const { runProbes } = await tsImport(new URL('../../src/probes/runProbes.ts', import.meta.url).href, import.meta.url);
const demo = await startDemoServer();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const opts = { target: demo.resourceUrl, clientId: demo.clientId, clientSecret: demo.clientSecret, redirectUri: demo.appRedirectUri };
  await runProbes(opts); // warm-up: JIT, oidc-provider's first-request setup
  const fetchTimes = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await (await fetch(`${demo.issuer}/.well-known/openid-configuration`)).text();
    fetchTimes.push(performance.now() - t);
  }
  const wall = [];
  const sequential = [];
  let requests = 0;
  let ids = '';
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = await runProbes(opts);
    wall.push(performance.now() - t);
    sequential.push(r.steps.reduce((s, x) => s + x.durationMs, 0));
    requests = r.steps.reduce((s, x) => s + x.exchanges.length, 0);
    ids = [...new Set(r.findings.map((f) => f.id))].join(', ');
  }
  const m = median(wall);
  console.log(`full probe run: median ${m.toFixed(0)} ms over ${RUNS} runs (min ${Math.min(...wall).toFixed(0)}, max ${Math.max(...wall).toFixed(0)}), ${requests} requests`);
  console.log(`baseline: one bare metadata fetch ${median(fetchTimes).toFixed(1)} ms; the same steps run one after another ≈ ${median(sequential).toFixed(0)} ms (concurrency saves ${(median(sequential) / m).toFixed(1)}×)`);
  console.log(`findings: ${ids}`);
  console.log(`target < ${TARGET_MS} ms: ${m < TARGET_MS ? 'met' : 'MISSED'}`);
  process.exitCode = m < TARGET_MS ? 0 : 1;
} finally {
  await demo.stop();
}
