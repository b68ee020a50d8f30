/**
 * The parse thread (see parseThread.ts): turns batches of tailed lines into their OAuth events
 * with one LineParseStage per source, so the parser state of each source (format, envelope,
 * multi-line entries) lives here, and answers every message, in order, with what it parsed.
 */
import { parentPort } from 'node:worker_threads';
import type { SourceLine } from '../core/lines';
import type { ParsedLines } from '../core/engine/parsedLines';
import { LineParseStage } from '../core/engine/parsedLines';
import type { ToParseThread, FromParseThread } from './parseThread';
import { lineIndexes, unpackChunk } from './parseThread';
import type { ElidedParsedLines } from './parseThread';
import type { OAuthEvent } from '../core/model';

const stages = new Map<string, LineParseStage>();

function stageFor(source: string): LineParseStage {
  let s = stages.get(source);
  if (s === undefined) stages.set(source, (s = new LineParseStage(source)));
  return s;
}

function handle(m: ToParseThread): FromParseThread {
  // One batch per chunk (a run of lines of one source), in the order of the lines: events of
  // interleaved sources reach the engine in the order they would have in place.
  if (m.forget !== undefined) stages.delete(m.forget);
  const parsed: ElidedParsedLines[] = [];
  let offset = 0;
  for (const chunk of m.chunks ?? []) {
    const s = stageFor(chunk.source);
    const lines: SourceLine[] = unpackChunk(chunk);
    for (let i = 0; i < lines.length; i++) s.push(lines[i]!);
    parsed.push(elide(s.take(), lines, offset));
    offset += lines.length;
  }
  if (m.end !== undefined) {
    const s = stageFor(m.end);
    s.end();
    parsed.push(elide(s.take(), [], offset));
  }
  const json = JSON.stringify(parsed);
  return m.end !== undefined ? { seq: m.seq, json, end: m.end } : { seq: m.seq, json };
}

/**
 * Leaves out of the answer what the main thread already holds: each event's source name, and
 * its message when that is exactly the text of a line of this chunk (most lines: the message is
 * the line, redacted only when it holds a secret), named by its index in the message. About
 * halves what is copied and read back.
 */
function elide(batch: ParsedLines, lines: readonly SourceLine[], offset: number): ElidedParsedLines {
  const index = lineIndexes(lines);
  const fromLine: number[] = [];
  for (let i = 0; i < batch.items.length; i++) {
    const ev = batch.items[i] as OAuthEvent;
    if (ev.ref.file === batch.source) (ev.ref as Partial<OAuthEvent['ref']>).file = undefined;
    const at = index(ev.ref.line);
    if (at >= 0 && lines[at]!.text === ev.message) {
      (ev as Partial<OAuthEvent>).message = undefined;
      fromLine.push(i, offset + at);
    }
  }
  return fromLine.length ? { ...batch, fromLine } : batch;
}

parentPort?.on('message', (m: ToParseThread) => parentPort!.postMessage(handle(m)));
