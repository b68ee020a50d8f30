import { createReadStream } from 'node:fs';
import type { LineSink } from '../../core/lines';
import { LineSplitter } from '../../core/tail/lineSplitter';

/**
 * Reads a log file once, start to end, into a sink: streamed in chunks (a 100 MB log is never
 * held whole), lines capped by the shared splitter, cancellable between chunks. Resolves with
 * the number of lines read.
 */
export function readLogFile(path: string, sink: LineSink, opts: { signal?: AbortSignal; onProgress?: (lines: number, bytes: number) => void } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    let lines = 0;
    let bytes = 0;
    const splitter = new LineSplitter((l) => {
      lines++;
      sink.push({ source: path, line: lines, text: l.text, ...(l.truncated ? { truncated: true } : {}) });
    });
    const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
    const abort = (): void => {
      stream.destroy();
      reject(new Error('cancelled'));
    };
    opts.signal?.addEventListener('abort', abort, { once: true });
    stream.on('data', (chunk) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += buf.length;
      splitter.write(buf);
      opts.onProgress?.(lines, bytes);
    });
    stream.on('error', (err) => {
      opts.signal?.removeEventListener('abort', abort);
      reject(err);
    });
    stream.on('end', () => {
      opts.signal?.removeEventListener('abort', abort);
      splitter.flush();
      resolve(lines);
    });
  });
}
