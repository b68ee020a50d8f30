/**
 * Any other log: whatever carries a timestamp near the start, URLs with OAuth query strings,
 * `key=value` / `key: value` pairs, Authorization headers, JWTs and OAuth error words.
 */
import type { EventDraft } from './oauthFields';
import { applyLooseText, applyText } from './oauthFields';
import type { ParsedLine, ParseOptions } from './parsed';
import { parseClfTime, parseEpoch, parseIsoTime } from './timestamps';

const ISO_ANY_RE = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}/;
const TOKEN_ERRORS = new Set(['invalid_grant', 'unsupported_grant_type', 'unauthorized_client']);
const LEVEL_RE = /(?<![A-Za-z])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|CRITICAL|FATAL|ALERT|EMERGENCY)(?![A-Za-z])/;

/** Reads any line; never null. */
export function parseGenericLine(text: string, opts: ParseOptions = {}): ParsedLine {
  const ev: EventDraft = {};
  const head = text.length > 96 ? text.slice(0, 96) : text;
  const iso = ISO_ANY_RE.exec(head);
  if (iso) {
    const t = parseIsoTime(head.slice(iso.index), opts.timeZone);
    if (t !== undefined) ev.time = t;
  } else {
    const clf = head.indexOf('[');
    const t = clf >= 0 ? parseClfTime(head.slice(clf + 1), opts.timeZone) : undefined;
    if (t !== undefined) ev.time = t;
    else {
      const epoch = /^\s*(\d{10}(?:\.\d{1,6})?|\d{13})(?!\d)/.exec(head);
      const e = epoch ? parseEpoch(Number(epoch[1])) : undefined;
      if (e !== undefined) ev.time = e;
    }
  }
  const level = LEVEL_RE.exec(head);
  if (level) ev.level = level[1]!;
  applyLooseText(ev, text);
  applyText(ev, text);
  if (ev.path === undefined && ev.error !== undefined) {
    // "token exchange failed … error=invalid_grant": no path, but the words say where.
    const lower = head.toLowerCase() + (text.length > 96 ? text.slice(96, 512).toLowerCase() : '');
    if (/callback/.test(lower) && ev.state !== undefined) ev.stage = 'callback';
    else if (/token (exchange|request|endpoint)|exchang|refresh/.test(lower) || TOKEN_ERRORS.has(ev.error)) ev.stage = 'token';
    else if (/authoriz|consent|login/.test(lower)) ev.stage = ev.error === 'access_denied' ? 'consent' : 'authorize';
    else if (ev.error === 'invalid_token' || ev.error === 'insufficient_scope') ev.stage = 'api';
  }
  return { draft: ev, message: text };
}
