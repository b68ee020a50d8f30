/**
 * The run-and-report scaffolding shared by `probe` and `live`: parse (a UsageError is exit 2 with
 * one line), run with Ctrl-C wired to an AbortSignal, print text or JSON, and exit 1 when there
 * are error findings, 2 when the run itself failed.
 */
import { UsageError } from './probeArgs';
import { renderProbeJson, renderProbeText } from '../core/probes/probeReportRender';
import type { ProbeReport } from '../core/probes/probeReport';

export async function runReportCommand<P extends { json: boolean }>(
  name: string,
  parse: () => P,
  run: (parsed: P, signal: AbortSignal) => Promise<ProbeReport>,
  io: { out: (s: string) => void; err: (s: string) => void; live?: boolean },
): Promise<number> {
  let parsed: P;
  try {
    parsed = parse();
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`oauth-diagnose ${name}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const ac = new AbortController();
  const onSigint = (): void => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    const report = await run(parsed, ac.signal);
    io.out(parsed.json ? renderProbeJson(report, io.live ? { live: true } : {}) : renderProbeText(report));
    return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
  } catch (e) {
    io.err(`oauth-diagnose ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
