import * as vscode from 'vscode';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { decodeJwt, findJwts } from '../../core/jwt/decodeJwt';
import { verifyJwtWithJwks } from '../../core/jwt/verifyJwt';
import { asMetadataCandidates } from '../../core/probes/wellKnown';
import { HttpClient } from '../../http/httpClient';
import type { HttpPort } from '../../http/httpClient';
import type { DecoderView } from '../../shared/protocol';
import { readSettings } from '../config';
import type { Log } from '../log';
import type { DiagnosisSession } from '../session';
import { buildDecoderView } from './decoderModel';

/** How long a fetched JWKS is reused (keys rotate rarely; a retry after a fix should see new keys soon). */
const JWKS_TTL_MS = 5 * 60_000;

export interface DecodeContext {
  origin: string;
  eventTime?: number;
  usedAsBearer?: boolean;
}

/**
 * Decodes tokens for the panel's decoder and verifies their signature against the issuer's JWKS.
 * The JWKS comes from the last probe run when it was for the same issuer, else it is fetched
 * here in the host through the probes' HTTP client (timeouts, no redirects, size cap, CA file):
 * the webview never does network. Raw tokens are never logged.
 */
export class JwtDecoderService {
  private readonly cache = new Map<string, { at: number; jwks?: unknown; url?: string; error?: string }>();

  constructor(
    private readonly session: DiagnosisSession,
    private readonly log: Log,
    private readonly http: () => HttpPort = () => {
      const s = readSettings();
      return new HttpClient({ timeoutMs: s.httpTimeoutMs, ...(s.httpCaFile ? { caFile: s.httpCaFile } : {}) });
    },
  ) {}

  async decode(token: string, ctx: DecodeContext): Promise<DecoderView> {
    const t = (m: string, ...a: (string | number)[]): string => vscode.l10n.t(m, ...a);
    const decoded = decodeJwt(token);
    let verification: DecoderView['verification'];
    let extraProblems: Awaited<ReturnType<typeof verifyJwtWithJwks>>['problems'] = [];
    if (decoded.ok) {
      const iss = decoded.jwt.payload.iss;
      const alg = typeof decoded.jwt.header.alg === 'string' ? decoded.jwt.header.alg : undefined;
      if (typeof iss !== 'string' || !/^https?:\/\//i.test(iss)) {
        verification = { status: 'unavailable', ...(alg ? { alg } : {}), detail: t('The token names no http(s) issuer, so there is no JWKS to check it against.') };
      } else {
        const keys = await this.jwksFor(iss);
        if (keys.jwks === undefined) {
          verification = { status: 'unavailable', ...(alg ? { alg } : {}), detail: t('Could not get the JWKS of {0}: {1}', iss, keys.error ?? '') };
        } else {
          const r = await verifyJwtWithJwks(token, keys.jwks, { at: ctx.eventTime ?? Date.now() });
          const signatureOk = r.signatureValid ?? r.verified;
          verification = {
            status: signatureOk ? 'verified' : 'failed',
            ...(r.kid ? { kid: r.kid } : {}),
            ...(r.alg ? { alg: r.alg } : {}),
            detail: signatureOk ? t('with a key from {0}', keys.url ?? iss) : (r.error ?? t('The signature does not match any key of {0}.', keys.url ?? iss)),
          };
          extraProblems = r.problems;
        }
      }
    }
    return buildDecoderView({
      token,
      origin: ctx.origin,
      now: Date.now(),
      ...(ctx.eventTime !== undefined ? { eventTime: ctx.eventTime } : {}),
      ...(ctx.usedAsBearer ? { usedAsBearer: true } : {}),
      ...(verification ? { verification } : {}),
      extraProblems,
      t,
    });
  }

  /** The JWKS of an issuer: from the probe report when it matches, else discovery + jwks_uri. */
  private async jwksFor(iss: string): Promise<{ jwks?: unknown; url?: string; error?: string }> {
    const probe = this.session.snapshot().probe;
    if (probe?.jwks && sameIssuer(probe.issuer, iss)) return { jwks: probe.jwks, url: typeof probe.metadata?.jwks_uri === 'string' ? probe.metadata.jwks_uri : iss };
    const hit = this.cache.get(iss);
    if (hit && Date.now() - hit.at < JWKS_TTL_MS && hit.jwks !== undefined) return hit;
    const http = this.http();
    let jwksUri: string | undefined;
    let lastError = '';
    for (const c of asMetadataCandidates(iss)) {
      const r = await http.request({ url: c.url });
      if (r.status === 200) {
        try {
          const meta = JSON.parse(r.body) as Record<string, unknown>;
          if (typeof meta.jwks_uri === 'string') {
            jwksUri = meta.jwks_uri;
            break;
          }
          lastError = vscode.l10n.t('{0} names no jwks_uri', c.url);
        } catch {
          lastError = vscode.l10n.t('{0} is not JSON', c.url);
        }
      } else {
        lastError = r.error?.message ?? `${c.url}: HTTP ${r.status}`;
      }
    }
    if (!jwksUri) {
      const miss = { at: Date.now(), error: lastError };
      this.cache.set(iss, miss);
      return miss;
    }
    const r = await http.request({ url: jwksUri });
    if (r.status !== 200) return { error: r.error?.message ?? `${jwksUri}: HTTP ${r.status}` };
    try {
      const entry = { at: Date.now(), jwks: JSON.parse(r.body) as unknown, url: jwksUri };
      this.cache.set(iss, entry);
      return entry;
    } catch {
      return { error: vscode.l10n.t('{0} is not JSON', jwksUri) };
    }
  }

  /**
   * Re-reads one line of a source (an open editor, else the file, streamed so a 100 MB log is
   * not loaded whole) and returns the JWTs on it; the webview and the session only hold them masked.
   */
  async jwtsOnLine(file: string, line: number): Promise<{ tokens: string[]; text: string }> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file || d.uri.fsPath === file);
    let text = '';
    if (doc) {
      if (line >= 1 && line <= doc.lineCount) text = doc.lineAt(line - 1).text;
    } else if (!/^(ssh:\/\/|cmd:)/.test(file)) {
      text = await readLine(file, line);
    }
    return { tokens: findJwts(text), text };
  }

  dispose(): void {
    this.cache.clear();
    this.log.info('JWT decoder cache cleared.');
  }
}

function sameIssuer(a: string | undefined, b: string): boolean {
  return !!a && a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/** Streams a file up to line `n` (1-based); '' when the file is shorter or unreadable. */
async function readLine(file: string, n: number): Promise<string> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let i = 0;
  try {
    for await (const l of rl) {
      if (++i === n) return l;
    }
  } catch {
    return '';
  } finally {
    rl.close();
    stream.destroy();
  }
  return '';
}
