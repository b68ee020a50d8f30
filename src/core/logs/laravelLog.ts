/**
 * Laravel's `storage/logs/laravel.log` (Monolog LineFormatter):
 * `[2024-01-15 10:23:45] production.ERROR: message {"json":"context"} []`, where exceptions span
 * many lines (`[stacktrace]`, `#0 …`, `"}`). {@link LogParser} folds those continuation lines into
 * their entry; this module reads one (possibly multi-line) entry.
 *
 * League OAuth2 Server / Passport exceptions are decoded from the exception string and the
 * stack trace: `OAuthServerException(code: 10)` gives the OAuth error, and frames such as
 * `OAuthServerException::invalidRequest('code_verifier')` or `AbstractGrant->validateRedirectUri(`
 * name the cause even though Laravel never logs League's "hint".
 */
import type { FindingId } from '../catalog/findingIds';
import type { Stage } from '../model';
import type { EventDraft } from './oauthFields';
import { applyLooseText, applyText, errorCodeInText } from './oauthFields';
import { applyObject } from './objectFields';
import type { ParsedLine, ParseOptions } from './parsed';
import { parseIsoTime } from './timestamps';
import { LEAGUE_CODES } from './leagueCodes';

const HEADER_RE = /^\[(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)\]\s([\w-]{1,64})\.([A-Za-z]{3,10}):\s?/;

/** True when `text` starts a Laravel log entry. */
export function isLaravelHeader(text: string): boolean {
  return text.charCodeAt(0) === 91 && HEADER_RE.test(text);
}


const MAX_ENTRY_SCAN = 256 * 1024;

/** Reads one Laravel entry (header line plus folded continuation lines); null when it is not one. */
export function parseLaravelEntry(text: string, opts: ParseOptions = {}): ParsedLine | null {
  const m = HEADER_RE.exec(text);
  if (!m) return null;
  const ev: EventDraft = {};
  const t = parseIsoTime(m[1]!, opts.timeZone);
  if (t !== undefined) ev.time = t;
  ev.level = m[3]!.toUpperCase();
  const body = text.length > MAX_ENTRY_SCAN ? text.slice(m[0].length, MAX_ENTRY_SCAN) : text.slice(m[0].length);
  const nl = body.indexOf('\n');
  const first = nl < 0 ? body : body.slice(0, nl);

  // Message, then the JSON context (which may run over the following lines for exceptions).
  let ctxStart = first.indexOf(' {"');
  if (ctxStart < 0 && first.startsWith('{"')) ctxStart = 0;
  let message = ctxStart >= 0 ? first.slice(0, ctxStart) : first.replace(/(?: \[\]| \{\})+\s*$/, '');
  message = message.trimEnd();
  const texts: string[] = [message];
  if (ctxStart >= 0 && nl < 0) {
    // `{context} []`, `{context} {extra}` or `[] {extra}`: parse the context, then the extra object if split off.
    const ctxTrimmed = first.slice(ctxStart).trim();
    const ctxText = ctxTrimmed.endsWith(' []') ? ctxTrimmed.replace(/(?: \[\])+$/, '') : ctxTrimmed;
    let context = tryJson(ctxText);
    if (context === undefined) {
      const lastObj = ctxText.lastIndexOf(' {"');
      if (lastObj > 0) {
        context = tryJson(ctxText.slice(0, lastObj).replace(/(?: \[\])+$/, ''));
        const extraObj = tryJson(ctxText.slice(lastObj + 1));
        if (extraObj !== undefined) texts.push(...applyObject(ev, extraObj, opts.timeZone).texts);
      }
    }
    if (context !== undefined) texts.push(...applyObject(ev, context, opts.timeZone).texts);
  }

  // Request-logging lines: "GET /oauth/authorize?client_id=…", "client_id=… redirect_uri=…".
  applyLooseText(ev, message);

  // The exception, from the context string or the folded lines (League first).
  const ex = findException(body);
  let stage: Stage | undefined;
  if (ex) {
    ev.extra = { ...ev.extra, exception: ex.className.slice(ex.className.lastIndexOf('\\') + 1) };
    if (ex.code !== undefined) ev.extra.exceptionCode = String(ex.code);
    texts.push(ex.message);
    if (ex.className.includes('OAuthServerException') && ex.code !== undefined) {
      const known = LEAGUE_CODES[ex.code];
      if (known) {
        ev.error ??= known[0];
        ev.status ??= known[1];
      }
    } else if (/AuthenticationException$/.test(ex.className)) {
      ev.status ??= 401;
      stage = 'api';
    }
  }
  const frames = leagueFrames(body);
  const fromFrames = reasonFromFrames(frames, body);
  // All texts at once: one pass of the cause rules, and the most specific rule wins wherever it is.
  applyText(ev, texts.join(' | '));
  if (fromFrames.reason !== undefined && (ev.reason === undefined || ev.reason === 'missing_required_parameter')) ev.reason = fromFrames.reason;
  if (fromFrames.param !== undefined) ev.extra = { ...ev.extra, param: fromFrames.param };
  if (fromFrames.scopes !== undefined) ev.extra = { ...ev.extra, scopes: fromFrames.scopes };
  if (fromFrames.hint !== undefined) ev.extra = { ...ev.extra, hint: fromFrames.hint };
  if (fromFrames.grantType !== undefined) ev.grantType ??= fromFrames.grantType;
  if (ev.reason === 'scope_not_allowed' && ev.extra?.['scopes'] === undefined && ev.scope !== undefined) ev.extra = { ...ev.extra, scopes: ev.scope };
  if (ev.error === undefined) {
    const e = errorCodeInText(body.length > 16_384 ? body.slice(0, 16_384) : body);
    if (e !== undefined) ev.error = e;
  }
  stage ??= fromFrames.stage;
  if (stage !== undefined && ev.path === undefined) ev.stage = stage;
  if (ev.stage === undefined && ev.path === undefined && ev.error !== undefined) ev.stage = stageForError(ev.error, ev.reason);
  const shown = ex && !message.includes(ex.message.slice(0, 40)) ? `${text.slice(0, m[0].length)}${message} (${ex.className}: ${ex.message})` : first.length < 600 ? text.slice(0, m[0].length + first.length) : text.slice(0, m[0].length) + message;
  return { draft: ev, message: shown };
}

function tryJson(s: string): unknown {
  if (s.length === 0 || s.length > 65_536 || s.charCodeAt(0) !== 123) return undefined;
  // An object ends with `}` (JSON allows only whitespace after it): text after the context, such
  // as a request id, would only make JSON.parse throw, and a throw costs microseconds per line.
  let end = s.length - 1;
  while (end > 0 && isJsonSpace(s.charCodeAt(end))) end--;
  if (s.charCodeAt(end) !== 125) return undefined;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

/** The whitespace JSON.parse accepts around a value: space, tab, LF, CR. */
function isJsonSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

interface ExceptionInfo { className: string; code?: number; message: string }

/** Finds `Class(code: N): message at /file:line` – League's exception preferred when chained. */
function findException(body: string): ExceptionInfo | undefined {
  let found: ExceptionInfo | undefined;
  let from = 0;
  for (let i = 0; i < 8; i++) {
    const at = body.indexOf('(code: ', from);
    if (at < 0) break;
    from = at + 7;
    let s = at;
    while (s > 0 && /[A-Za-z0-9_\\]/.test(body[s - 1]!) && at - s < 200) s--;
    const className = body.slice(s, at).replace(/\\\\/g, '\\');
    if (className.length === 0) continue;
    const close = body.indexOf('): ', at);
    const code = Number(body.slice(at + 7, close < 0 ? at + 12 : close));
    let message = '';
    if (close >= 0 && close - at < 20) {
      const mStart = close + 3;
      let end = body.indexOf(' at /', mStart);
      const end2 = body.indexOf(' at ', mStart);
      if (end < 0 || (end2 >= 0 && end2 < end && /^ at [A-Za-z]:\\/.test(body.slice(end2, end2 + 7)))) end = end2;
      const nl = body.indexOf('\n', mStart);
      if (end < 0 || (nl >= 0 && nl < end)) end = nl < 0 ? Math.min(body.length, mStart + 1000) : nl;
      message = body.slice(mStart, Math.min(end, mStart + 1000));
    }
    const info: ExceptionInfo = { className, message, ...(Number.isInteger(code) ? { code } : {}) };
    if (className.includes('OAuthServerException') && className.includes('League')) return info;
    found ??= info;
    if (className.includes('OAuthServerException')) found = info;
  }
  return found;
}

interface Frame { method: string; args: string[] }

/** `OAuthServerException::invalidRequest('code_verifier', 'Code Verifier m...')` frames of the trace. */
function leagueFrames(body: string): Frame[] {
  const frames: Frame[] = [];
  let from = 0;
  for (let i = 0; i < 6; i++) {
    const at = body.indexOf('OAuthServerException::', from);
    if (at < 0) break;
    from = at + 22;
    const open = body.indexOf('(', from);
    if (open < 0 || open - from > 40) continue;
    const method = body.slice(from, open);
    const close = body.indexOf(')', open);
    const argText = body.slice(open + 1, close < 0 || close - open > 400 ? open + 400 : close);
    const args: string[] = [];
    const re = /'((?:[^'\\]|\\.){0,200})'|Object\([^)]*|NULL|\d+/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(argText)) !== null && args.length < 4) args.push(m[1] ?? m[0]);
    frames.push({ method, args });
  }
  return frames;
}

interface FrameReading { reason?: FindingId; param?: string; scopes?: string; hint?: string; stage?: Stage; grantType?: string }

/** What League's own frames say about the cause and the stage. */
function reasonFromFrames(frames: Frame[], body: string): FrameReading {
  const r: FrameReading = {};
  const top = frames[0];
  if (top) {
    const [a0, a1] = top.args;
    const truncated = (s: string | undefined): boolean => s !== undefined && s.endsWith('...');
    switch (top.method) {
      case 'invalidRequest':
        if (a0 && !truncated(a0)) r.param = a0;
        if (a0 === 'code_verifier') r.reason = a1 !== undefined && a1 !== 'NULL' ? 'pkce_verifier_invalid' : 'missing_required_parameter';
        else if (a0 === 'code_challenge' || a0 === 'code_challenge_method') r.reason = 'pkce_missing';
        else if (a0 === 'redirect_uri') r.reason = a1 !== undefined && a1 !== 'NULL' ? 'redirect_uri_mismatch' : 'missing_required_parameter';
        else if (a0 === 'code' && a1 !== undefined && a1 !== 'NULL') r.reason = a1.startsWith('Authorization') ? 'client_id_mismatch' : 'code_not_found';
        else if (a0 !== undefined) r.reason = 'missing_required_parameter';
        if (a1 !== undefined && a1 !== 'NULL') r.hint = a1;
        break;
      case 'invalidScope':
        r.reason = 'scope_not_allowed';
        if (a0 && !truncated(a0)) r.scopes = a0;
        break;
      case 'invalidGrant':
        if (a0 !== undefined && a0 !== 'NULL') {
          r.hint = a0;
          if (a0.startsWith('Failed to verif')) r.reason = 'pkce_mismatch';
          else if (a0.startsWith('Cannot decrypt')) r.reason = 'code_not_found';
          else if (a0.startsWith('Authorization code has expired')) r.reason = 'code_expired';
          else if (a0.startsWith('Authorization code has been revoked')) r.reason = 'code_reused';
        }
        break;
      case 'invalidRefreshToken':
        r.reason = 'refresh_token_invalid';
        if (a0 !== undefined && a0 !== 'NULL') r.hint = a0;
        break;
      case 'invalidClient':
        if (body.includes('validateRedirectUri')) r.reason = 'redirect_uri_mismatch';
        break;
      case 'unsupportedGrantType':
        r.reason = 'unsupported_grant_type';
        break;
      case 'accessDenied':
        if (a0 !== undefined && a0 !== 'NULL') r.hint = a0;
        break;
      default:
        break;
    }
  }
  // Every class or method named below contains one of these words: most entries have none.
  if (!FRAME_WORDS_RE.test(body)) return r;
  // The grant class and the step named first are the ones that ran (the frames nearest the
  // throw); later frames may name others (a grant that delegates, or a trace pasted together).
  const grantType = namedFirst(body, GRANT_CLASSES);
  if (grantType !== undefined) r.grantType = grantType;
  const stage = namedFirst(body, STEP_WORDS);
  if (stage !== undefined) r.stage = stage;
  if (r.grantType === 'refresh_token') {
    r.reason ??= body.includes('validateOldRefreshToken') ? 'refresh_token_invalid' : undefined;
    if (r.reason === undefined) delete r.reason;
  }
  return r;
}

/** The value of the word of `table` that occurs first in `text`, or undefined when none does. */
function namedFirst<T>(text: string, table: readonly (readonly [string, T])[]): T | undefined {
  let first = -1;
  let value: T | undefined;
  for (const [word, v] of table) {
    const at = text.indexOf(word);
    if (at >= 0 && (first < 0 || at < first)) {
      first = at;
      value = v;
    }
  }
  return value;
}

const FRAME_WORDS_RE = /Grant|Request|Controller|Validator|ResourceServer/;

/** Methods and controllers of League and Passport, and the step of the flow each serves. */
const STEP_WORDS: readonly (readonly [string, Stage])[] = [
  ['respondToAccessTokenRequest', 'token'],
  ['AccessTokenController', 'token'],
  ['validateAuthorizationRequest', 'authorize'],
  ['completeAuthorizationRequest', 'consent'],
  ['ApproveAuthorizationController', 'consent'],
  ['DenyAuthorizationController', 'consent'],
  ['validateAuthenticatedRequest', 'api'],
  ['BearerTokenValidator', 'api'],
  ['ResourceServer', 'api'],
];

/** League's grant classes and the grant_type each handles. */
const GRANT_CLASSES: readonly (readonly [string, string])[] = [
  ['AuthCodeGrant', 'authorization_code'],
  ['RefreshTokenGrant', 'refresh_token'],
  ['ClientCredentialsGrant', 'client_credentials'],
  ['PasswordGrant', 'password'],
];

function stageForError(error: string, reason: FindingId | undefined): Stage | undefined {
  if (reason === 'redirect_uri_mismatch' || reason === 'pkce_missing') return undefined;
  switch (error) {
    case 'invalid_grant':
    case 'invalid_client':
    case 'unsupported_grant_type':
    case 'unauthorized_client':
      return 'token';
    case 'access_denied':
      return 'consent';
    case 'invalid_token':
    case 'insufficient_scope':
      return 'api';
    default:
      return undefined;
  }
}
