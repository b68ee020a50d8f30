/**
 * The JWT decoder's view-model: decoded header and payload, a claims table with plain-language
 * explanations, times absolute and relative (to now and to the log event that used the token),
 * the claim checks as warnings, and the signature result. Pure (no `vscode`): the host passes its
 * translator so every sentence still goes through `vscode.l10n.t`.
 */
import { decodeJwt } from '../../core/jwt/decodeJwt';
import { checkJwt } from '../../core/jwt/checkJwt';
import type { JwtCheckOptions, JwtProblem } from '../../core/jwt/checkJwt';
import { redact } from '../../core/redact/redact';
import type { DecoderClaim, DecoderView } from '../../shared/protocol';

export type Translate = (message: string, ...args: (string | number)[]) => string;

export interface DecoderInput {
  token: string;
  origin: string;
  /** Now, ms since epoch (injected for tests). */
  now: number;
  /** When the log event that carried the token happened (ms), for "relative to the event". */
  eventTime?: number;
  /** The token was sent as `Authorization: Bearer` (an ID token there is a finding). */
  usedAsBearer?: boolean;
  expectedIssuer?: string;
  expectedAudience?: string | string[];
  verification?: DecoderView['verification'];
  /** Extra problems (from the signature check). */
  extraProblems?: JwtProblem[];
  t: Translate;
}

/** English sources of the claim explanations (translated through `t`). */
const CLAIM_TEXT: Record<string, string> = {
  iss: 'Issuer: the authorization server that created the token. Must equal the issuer in its discovery document, character for character.',
  sub: 'Subject: the user (or client, for client credentials) the token is about.',
  aud: 'Audience: who the token is for. An API must reject tokens whose audience is not itself.',
  exp: 'Expires at: after this moment the token must be rejected.',
  nbf: 'Not before: the token must be rejected before this moment (clock skew shows up here).',
  iat: 'Issued at: when the authorization server created the token.',
  jti: 'Token id: unique per token; servers use it to detect replay.',
  azp: 'Authorized party: the client the token was issued to.',
  client_id: 'The client the token was issued to.',
  scope: 'Scopes granted: what the token allows. Fewer than requested means the user or policy narrowed them.',
  scp: 'Scopes granted (list form).',
  nonce: 'Nonce: must equal the nonce the client sent in the authorization request (ID tokens).',
  auth_time: 'When the user actually authenticated.',
  acr: 'Authentication context class: how strongly the user authenticated.',
  amr: 'Authentication methods used (e.g. pwd, otp, mfa).',
  sid: 'Session id at the authorization server (used by logout).',
  at_hash: 'Hash of the access token issued with this ID token.',
  c_hash: 'Hash of the authorization code issued with this ID token.',
  typ: 'Token type as the server labels it.',
  cnf: 'Confirmation: the key the token is bound to (DPoP / mTLS); the client must prove possession.',
  act: 'Actor: who acts on behalf of the subject (token exchange).',
  roles: 'Roles granted to the subject.',
  groups: 'Groups the subject belongs to.',
  email: 'The user\'s e-mail address.',
  email_verified: 'Whether the e-mail address was verified.',
  name: 'The user\'s display name.',
  preferred_username: 'The user\'s preferred username.',
  tid: 'Tenant id (multi-tenant identity providers).',
  events: 'Security events (a logout token carries the back-channel logout event).',
  response_type: 'Request object: the response type asked for.',
  redirect_uri: 'Request object: where the code is sent; must match a registered redirect URI exactly.',
  state: 'Request object: the client\'s anti-CSRF value.',
  code_challenge: 'Request object: the PKCE challenge.',
  code_challenge_method: 'Request object: how the PKCE challenge was computed (S256 expected).',
};

const HEADER_TEXT: Record<string, string> = {
  alg: 'Signature algorithm. "none" means unsigned: never accept it.',
  kid: 'Key id: which key of the issuer\'s JWKS signed the token.',
  typ: 'Media type of the token (e.g. at+jwt for access tokens, JWT, oauth-authz-req+jwt).',
};

const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time']);

/** "in 4 min", "3 h ago": a moment relative to now. */
export function relativeTo(whenMs: number, nowMs: number, t: Translate): string {
  const d = whenMs - nowMs;
  const span = durationText(Math.abs(d));
  return d >= 0 ? t('in {0}', span) : t('{0} ago', span);
}

/** "2 min 5 s", "3 d 4 h". */
export function durationText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  const d = Math.floor(h / 24);
  return `${d} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

function claimValue(v: unknown): string {
  const text = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  // Claims are not secrets, but a token inside a claim (act, nested JWTs) still is.
  return redact(text.length > 2000 ? text.slice(0, 2000) + '…' : text);
}

/** Builds the decoder's view of one token. Never throws: malformed input gives `ok: false`. */
export function buildDecoderView(input: DecoderInput): DecoderView {
  const { t } = input;
  const decoded = decodeJwt(input.token);
  if (!decoded.ok) return { ok: false, error: t(decoded.error), origin: input.origin };
  const jwt = decoded.jwt;
  const claims: DecoderClaim[] = [];
  for (const [name, value] of Object.entries(jwt.header)) {
    const text = HEADER_TEXT[name];
    claims.push({ name: `header.${name}`, value: claimValue(value), ...(text ? { explanation: t(text) } : {}) });
  }
  for (const [name, value] of Object.entries(jwt.payload)) {
    const text = CLAIM_TEXT[name];
    const claim: DecoderClaim = { name, value: claimValue(value), ...(text ? { explanation: t(text) } : {}) };
    if (TIME_CLAIMS.has(name) && typeof value === 'number' && Number.isFinite(value)) {
      const ms = value * 1000;
      const iso = new Date(ms).toISOString();
      const rel = input.eventTime !== undefined ? ms - input.eventTime : undefined;
      claim.time = {
        iso,
        relative: relativeTo(ms, input.now, t),
        ...(rel !== undefined ? { relativeToEvent: rel >= 0 ? t('{0} after the log event', durationText(rel)) : t('{0} before the log event', durationText(-rel)) } : {}),
      };
    }
    claims.push(claim);
  }
  const opts: JwtCheckOptions = { at: input.eventTime ?? input.now };
  if (input.usedAsBearer) opts.usedAsBearer = true;
  if (input.expectedIssuer) opts.expectedIssuer = input.expectedIssuer;
  if (input.expectedAudience) opts.expectedAudience = input.expectedAudience;
  const problems = [...checkJwt(jwt, opts), ...(input.extraProblems ?? [])];
  const seen = new Set<string>();
  const warnings = problems.filter((p) => {
    const k = `${p.id}\u0000${p.detail}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  }).map((p) => ({ id: p.id, severity: p.severity, detail: redact(p.detail) }));
  const view: DecoderView = {
    ok: true,
    kind: jwt.kind,
    fingerprint: jwt.fingerprint,
    origin: input.origin,
    header: jwt.header,
    payload: jwt.payload,
    claims,
    warnings,
  };
  if (input.verification) view.verification = input.verification;
  return view;
}
