/**
 * Randomized differential test of the engine's speed work: seeded streams of interleaved flows
 * (times out of order or missing, two sources logging one request, request ids, reused and
 * foreign codes, states that differ, retries, token lines without a code, API calls with JWTs)
 * go through the current FlowAnalysis and through the reference copy of the engine as it was
 * before (./reference, main 522034e). Every snapshot – mid-stream and at the end, with a small
 * maxEvents so flows are dropped and retired continuously – must be identical.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OAuthEvent } from '../../../src/core/model';
import { FlowAnalysis } from '../../../src/core/engine/flowAnalysis';
import { FlowAnalysis as ReferenceAnalysis } from './reference/flowAnalysis';
import { generate, rng } from './flowGenerator';

interface Analysis {
  add(e: OAuthEvent): boolean;
  setEnded(ended: boolean): void;
  snapshot(): unknown;
  readonly droppedFlows: number;
  readonly droppedFindings: number;
}

function run(make: () => Analysis, events: OAuthEvent[], snapAt: Set<number>): string[] {
  const a = make();
  const out: string[] = [];
  const copy = structuredClone(events);
  copy.forEach((e, i) => {
    out.push(`${i} ${a.add(e)}`);
    if (snapAt.has(i)) out.push(JSON.stringify(a.snapshot()), `${a.droppedFlows} ${a.droppedFindings}`);
  });
  a.setEnded(true);
  out.push(JSON.stringify(a.snapshot()), `${a.droppedFlows} ${a.droppedFindings}`);
  return out;
}

describe('engine differential (randomized, against the reference engine)', () => {
  for (const maxEvents of [12, 60, 100_000]) {
    it(`gives identical snapshots for 25 seeds, maxEvents ${maxEvents}`, () => {
      for (let seed = 1; seed <= 25; seed++) {
        const events = generate(seed * 7919 + maxEvents, 20 + (seed % 5) * 25);
        const r = rng(seed);
        const snapAt = new Set(Array.from({ length: 4 }, () => Math.floor(r() * events.length)));
        const opts = { maxEvents, codeTtlSeconds: seed % 3 === 0 ? 600 : 60 };
        const want = run(() => new ReferenceAnalysis(opts), events, snapAt);
        const got = run(() => new FlowAnalysis(opts), events, snapAt);
        assert.equal(got.length, want.length);
        for (let i = 0; i < want.length; i++) assert.equal(got[i], want[i], `seed ${seed}, maxEvents ${maxEvents}, output ${i}`);
      }
    });
  }

  it('generates streams that exercise the hard cases', () => {
    const events = generate(42, 120);
    assert.ok(events.some((e) => e.time === undefined), 'untimed lines');
    assert.ok(events.some((e) => e.requestId), 'request ids');
    assert.ok(new Set(events.map((e) => e.ref.file)).size === 2, 'two sources');
    const codes = events.filter((e) => e.stage === 'token' && e.code).map((e) => e.code!.fingerprint);
    assert.ok(codes.length > new Set(codes).size, 'reused codes');
    assert.ok(events.some((e, i) => i > 0 && e.time !== undefined && events[i - 1]!.time !== undefined && e.time < events[i - 1]!.time!), 'times out of order');
    const a = new FlowAnalysis({ maxEvents: 12 });
    for (const e of structuredClone(events)) a.add(e);
    assert.ok(a.droppedFlows > 0, 'flows dropped for space');
    const all = new FlowAnalysis();
    for (const e of structuredClone(events)) all.add(e);
    all.setEnded(true);
    const ids = new Set(all.snapshot().findings.map((f) => f.id));
    for (const id of ['redirect_uri_mismatch', 'code_reused', 'code_expired', 'state_mismatch', 'server_error', 'pkce_mismatch', 'client_id_whitespace', 'token_expired', 'flow_abandoned_at_authorize'] as const) assert.ok(ids.has(id), id);
  });
});
