/**
 * A JWT the user pasted, verified against its issuer's published keys: discovery and the JWKS go
 * through the probes (same guards, same recorded exchanges), the cryptography through jose.
 */
import { decodeJwt } from '../core/jwt/decodeJwt';
import { verifyJwtWithJwks } from '../core/jwt/verifyJwt';
import type { ProbeReport, ProbeStep } from '../core/probes/probeReport';
import { sortFindings } from '../core/probes/probeReport';
import type { HttpPort } from '../http/httpClient';
import { HttpClient } from '../http/httpClient';
import { fetchAsMetadata, fetchJwks } from './discoveryProbes';
import { ProbeRun } from './probeRun';

export interface VerifyTokenOptions {
  token: string;
  /** Default: the token's own `iss`. */
  issuer?: string;
  audience?: string | string[];
  timeoutMs?: number;
  caFile?: string;
}

/**
 * @example const r = await verifyTokenAgainstIssuer({ token }); r.findings // e.g. token_signature_invalid (alg none)
 */
export async function verifyTokenAgainstIssuer(opts: VerifyTokenOptions, deps: { signal?: AbortSignal; onStep?: (s: ProbeStep) => void; http?: HttpPort } = {}): Promise<ProbeReport> {
  const startedAt = Date.now();
  const run = new ProbeRun(deps.http ?? new HttpClient({ timeoutMs: opts.timeoutMs, caFile: opts.caFile }), deps.signal, deps.onStep);
  const decoded = decodeJwt(opts.token.trim());
  const claimedIss = decoded.ok && typeof decoded.jwt.payload.iss === 'string' ? decoded.jwt.payload.iss : undefined;
  const issuer = opts.issuer ?? claimedIss;
  const report: ProbeReport = { target: issuer ?? '', startedAt, steps: [], findings: [] };
  if (!decoded.ok) {
    run.raise({ id: 'token_signature_invalid', severity: 'error', detail: `not a JWT: ${decoded.error}` }, 'token_issued');
  } else if (!issuer) {
    run.raise({ id: 'token_issuer_mismatch', severity: 'error', detail: 'the token has no iss claim and no issuer was given: there is nowhere to fetch keys from' }, 'token_issued');
  } else {
    const as = (await fetchAsMetadata(run, issuer)).found;
    const jwks = as ? await fetchJwks(run, as.meta) : undefined;
    report.issuer = issuer;
    report.metadata = as?.meta;
    report.jwks = jwks;
    if (jwks !== undefined) {
      await run.step<void>('verify token', 'token_issued', async (ctx) => {
        const v = await verifyJwtWithJwks(opts.token.trim(), jwks, { issuer, audience: opts.audience });
        for (const p of v.problems) ctx.raise({ id: p.id, severity: p.severity, detail: p.detail }, []);
        if (!v.verified && v.error && !v.problems.some((p) => p.id === 'token_signature_invalid')) ctx.raise({ id: 'token_signature_invalid', severity: 'error', detail: v.error }, []);
        return { status: v.verified ? (v.problems.length ? 'warning' : 'ok') : 'failed', summary: v.verified ? `signature verified (${v.alg ?? '?'}, kid ${v.kid ?? '-'})` : `not verified: ${v.error ?? v.problems.map((p) => p.id).join(', ')}`, value: undefined };
      }, undefined);
    }
  }
  report.steps = run.steps;
  report.findings = sortFindings(run.findings);
  return report;
}
