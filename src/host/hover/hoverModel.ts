/**
 * The hover on a log line, as a function of plain inputs (the parsed event, the catalog, a
 * translator) returning Markdown text – the error-lens way, without its module state or
 * `isTrusted = true`: the provider allow-lists exactly the two commands linked here.
 * Pure (no `vscode`): tested in plain Node. Log text is untrusted: it only ever appears inside
 * code spans or fenced blocks, escaped, never as Markdown or HTML.
 */
import type { OAuthEvent, SeenToken } from '../../core/model';

export type Translate = (message: string, ...args: (string | number)[]) => string;

export interface HoverCatalogText {
  title: string;
  meaning: string;
  fix: string[];
}

export interface HoverInput {
  event: OAuthEvent;
  /** Where the line is, for the command links (file path or document URI). */
  target: { file: string; line: number };
  catalog: (id: string) => HoverCatalogText | undefined;
  /** Finding id the engine raised on this line, when the session knows one. */
  findingId?: string;
  /** The session holds this line's flow: "Show in timeline" can reveal it. */
  inTimeline: boolean;
  stageLabel: (stage: string) => string;
  now: number;
  t: Translate;
}

/** Command ids the hover links to; the provider's `isTrusted.enabledCommands` is exactly this list. */
export const HOVER_COMMANDS = ['oauthDebugger.showInTimeline', 'oauthDebugger.decodeJwt'] as const;

/** A `command:` link with JSON arguments, URI-encoded as VS Code expects. */
export function commandLink(label: string, command: (typeof HOVER_COMMANDS)[number], args: unknown): string {
  return `[${escapeMarkdown(label)}](command:${command}?${encodeURIComponent(JSON.stringify([args]))})`;
}

/** Escapes text for Markdown prose: every punctuation character that Markdown or HTML could use. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&~"']/g, (c) => `\\${c}`);
}

/** A code span that survives backticks inside the value. */
export function codeSpan(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ').slice(0, 300);
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence} ${clean} ${fence}`;
}

/** Builds the hover Markdown, or undefined when the line carries nothing worth saying. */
export function buildHoverMarkdown(input: HoverInput): string | undefined {
  const { event: e, t } = input;
  const out: string[] = [];
  const stage = e.stage ? input.stageLabel(e.stage) : t('OAuth');
  const status = e.status !== undefined ? ` · HTTP ${e.status}` : '';
  out.push(`**${escapeMarkdown(t('OAuth: {0}', stage))}**${escapeMarkdown(status)}`, '');

  const id = input.findingId ?? e.reason;
  const entry = id ? input.catalog(id) : undefined;
  if (entry) {
    out.push(`$(error) **${escapeMarkdown(entry.title)}** ${codeSpan(id as string)}`, '', escapeMarkdown(entry.meaning));
  } else if (e.error) {
    out.push(escapeMarkdown(t('The server answered with the OAuth error')) + ' ' + codeSpan(e.error) +
      (e.errorDescription ? ': ' + codeSpan(e.errorDescription) : '.'));
  } else {
    out.push(escapeMarkdown(describe(e, t)));
  }

  const facts: [string, string][] = [];
  if (e.method || e.path) facts.push([t('request'), `${e.method ?? ''} ${e.path ?? ''}`.trim()]);
  if (e.clientId !== undefined) facts.push(['client_id', e.clientId]);
  if (e.redirectUri) facts.push(['redirect_uri', e.redirectUri]);
  if (e.grantType) facts.push(['grant_type', e.grantType]);
  if (e.responseType) facts.push(['response_type', e.responseType]);
  if (e.scope) facts.push(['scope', e.scope]);
  if (e.codeChallengeMethod || e.codeChallenge) facts.push(['PKCE', `${e.codeChallengeMethod ?? t('method not sent')}${e.codeChallenge ? ` ${e.codeChallenge}` : ''}`]);
  if (e.codeVerifier) facts.push(['code_verifier', t('{0} chars, {1}', e.codeVerifier.length, e.codeVerifier.charsetOk ? t('valid characters') : t('invalid characters'))]);
  if (e.code) facts.push(['code', e.code.fingerprint]);
  if (e.error && entry) facts.push(['error', e.errorDescription ? `${e.error}: ${e.errorDescription}` : e.error]);
  if (facts.length) {
    out.push('', ...facts.map(([k, v]) => `- ${escapeMarkdown(k)}: ${codeSpan(v)}`));
  }

  for (const token of e.tokens ?? []) out.push('', tokenSummary(token, input));

  if (entry?.fix.length) {
    out.push('', `**${escapeMarkdown(t('How to fix'))}**`, '', ...entry.fix.map((f, i) => `${i + 1}. ${escapeMarkdown(f)}`));
  }

  const links: string[] = [];
  if (input.inTimeline) links.push(commandLink(t('Show in timeline'), 'oauthDebugger.showInTimeline', input.target));
  if (e.tokens?.length) links.push(commandLink(t('Decode JWT'), 'oauthDebugger.decodeJwt', input.target));
  if (links.length) out.push('', links.join(' · '));
  return out.join('\n');
}

function describe(e: OAuthEvent, t: Translate): string {
  switch (e.stage) {
    case 'discovery': return t('A client reading the server\'s metadata (discovery).');
    case 'registration': return t('Dynamic client registration.');
    case 'authorize': return t('The authorization request: the user is sent to log in and approve the client.');
    case 'consent': return t('The user logs in or approves (or denies) the requested scopes.');
    case 'callback': return t('The redirect back to the client with the authorization code (or an error) and state.');
    case 'token': return t('The client exchanges the code (or a refresh token) at the token endpoint.');
    case 'token_issued': return t('The authorization server issued tokens.');
    case 'api': return t('A call to the API with an access token.');
    default: return t('An OAuth-related log line.');
  }
}

function tokenSummary(token: SeenToken, input: HoverInput): string {
  const { t } = input;
  const c = token.claims ?? {};
  const parts = [`$(key) ${escapeMarkdown(t('Token'))} ${codeSpan(token.fingerprint)}`];
  const alg = token.header?.alg;
  if (typeof alg === 'string') parts.push(`alg ${codeSpan(alg)}`);
  if (typeof c.iss === 'string') parts.push(`iss ${codeSpan(c.iss)}`);
  if (c.aud !== undefined) parts.push(`aud ${codeSpan(Array.isArray(c.aud) ? c.aud.join(', ') : String(c.aud))}`);
  if (typeof c.exp === 'number') {
    const d = c.exp * 1000 - (input.event.time ?? input.now);
    parts.push(escapeMarkdown(d < 0 ? t('expired {0} before this line', span(-d)) : t('valid {0} after this line', span(d))));
  }
  return parts.join(' · ');
}

function span(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h` : `${Math.floor(h / 24)} d`;
}
