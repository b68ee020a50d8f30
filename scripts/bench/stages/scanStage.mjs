// One stage of `oauth-diagnose scan` by itself, on one thread, for the "where the time goes" lines
// of scan.mjs (which runs it in a fresh process per stage, under GNU time):
//   gate   read the file and pass it through the WebAssembly line gate; the candidate lines are
//          only counted (what any scan must do before it parses anything)
//   parse  … and parse the candidate lines into events with the engine's own line half
//          (LineParseStage), without correlating them
//   full   … and diagnose them as `scan --json` does (DiagnosisEngine with the CLI's event limit,
//          JSON report written and thrown away)
// Usage: node scanStage.mjs gate|parse|full FILE MODULES.cjs candidateScan.wasm
// Prints one JSON line: {"lines":N,"candidates":N,"events":N}
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const [mode, file, modules, wasm] = process.argv.slice(2);
if (!['gate', 'parse', 'full'].includes(mode) || !file || !modules || !wasm) {
  console.error('usage: node scanStage.mjs gate|parse|full FILE MODULES.cjs candidateScan.wasm');
  process.exit(2);
}
const m = createRequire(import.meta.url)(modules);
const gate = new WebAssembly.Module(readFileSync(wasm));
let candidates = 0;
let events = 0;
let stats;
if (mode === 'gate') {
  stats = m.readLinesSync(file, () => candidates++, { gate });
} else if (mode === 'parse') {
  const stage = new m.LineParseStage(file);
  const drain = () => {
    events += stage.take().items.length;
  };
  stats = m.readLinesSync(file, (line) => {
    candidates++;
    stage.push(line);
    if (stage.pendingItems >= 256) drain();
  }, { gate, onBoundary: () => stage.boundary() });
  stage.end();
  drain();
} else {
  // As scanFiles in src/cli/scanCommand.ts: the same event limit and the same bookkeeping.
  const engine = new m.DiagnosisEngine({ codeTtlSeconds: 60, maxEvents: 4_000 });
  stats = m.readLinesSync(file, (line) => {
    candidates++;
    engine.push(line);
  }, { gate, onBoundary: () => engine.boundary(file) });
  engine.countUnpushed(file, stats.lines - stats.emitted - stats.notText, stats.notText, stats.truncated - stats.cutEmitted);
  engine.end(file);
  const d = engine.snapshot();
  let chars = 0;
  m.writeJsonReport(d, (s) => (chars += s.length));
  events = d.stats.events;
}
console.log(JSON.stringify({ lines: stats.lines, candidates, events }));
