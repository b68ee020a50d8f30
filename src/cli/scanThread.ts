/**
 * The scan thread of `oauth-diagnose scan` for big inputs (see scanInThread in scanCommand.ts):
 * runs scanFiles with the heap limits the main thread cannot have (reading the first file from
 * the reader thread the main thread started alongside it), and posts the report text and the
 * exit code back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { StartedReader } from './fileLines';
import type { ScanArgs } from './scanCommand';
import { scanFiles } from './scanCommand';

if (parentPort) {
  const port = parentPort;
  const { parsed, reader } = workerData as { parsed: ScanArgs; reader?: StartedReader };
  scanFiles(parsed, (s) => port.postMessage({ out: s }), (s) => port.postMessage({ err: s }), reader).then(
    (code) => port.postMessage({ code }),
    (e: unknown) => port.postMessage({ err: `oauth-diagnose scan: ${e instanceof Error ? e.message : String(e)}\n`, code: 2 }),
  );
}
