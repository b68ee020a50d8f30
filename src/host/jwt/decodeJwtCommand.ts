import * as vscode from 'vscode';
import { findJwts } from '../../core/jwt/decodeJwt';
import type { OAuthEvent } from '../../core/model';
import type { DecoderView } from '../../shared/protocol';
import type { DiagnosisSession } from '../session';
import type { DecodeContext, JwtDecoderService } from './jwtDecoderService';

/** Arguments a hover link or the tree passes: where the token is. */
export interface DecodeTarget {
  file: string;
  line: number;
}

export function isDecodeTarget(v: unknown): v is DecodeTarget {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.file === 'string' && o.file.length > 0 && typeof o.line === 'number' && Number.isInteger(o.line) && o.line >= 1;
}

/**
 * `OAuth: Decode JWT`: the token at a given log line (hover, tree, panel), else the editor's
 * selection, else a JWT on the cursor's line, else the clipboard, else an input box. Returns the
 * decoder view to show, or undefined when the user cancelled.
 */
export async function pickAndDecode(service: JwtDecoderService, session: DiagnosisSession, target?: DecodeTarget): Promise<DecoderView | undefined> {
  if (target) return decodeAtLine(service, session, target);
  const editor = vscode.window.activeTextEditor;
  if (editor) {
    const selected = editor.document.getText(editor.selection).trim();
    if (selected) {
      const found = findJwts(selected);
      return service.decode(found[0] ?? selected, { origin: vscode.l10n.t('selection') });
    }
    const line = editor.selection.active.line + 1;
    if (findJwts(editor.document.lineAt(line - 1).text).length) {
      return decodeAtLine(service, session, { file: editor.document.uri.scheme === 'file' ? editor.document.uri.fsPath : editor.document.uri.toString(), line });
    }
  }
  const clip = (await vscode.env.clipboard.readText()).trim();
  const fromClip = clip.length < 64 * 1024 ? findJwts(clip)[0] : undefined;
  if (fromClip) return service.decode(fromClip, { origin: vscode.l10n.t('clipboard') });
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('Decode JWT'),
    prompt: vscode.l10n.t('Paste a JWT (header.payload.signature). It is decoded locally and never logged.'),
    password: true,
    ignoreFocusOut: true,
  });
  return typed?.trim() ? service.decode(typed.trim(), { origin: vscode.l10n.t('pasted') }) : undefined;
}

async function decodeAtLine(service: JwtDecoderService, session: DiagnosisSession, target: DecodeTarget): Promise<DecoderView> {
  const { tokens } = await service.jwtsOnLine(target.file, target.line);
  const name = `${target.file.split(/[\\/]/).pop() ?? target.file}:${target.line}`;
  if (!tokens.length) return { ok: false, origin: name, error: vscode.l10n.t('No JWT on line {0} of {1}.', target.line, target.file) };
  let token = tokens[0] as string;
  if (tokens.length > 1) {
    const pick = await vscode.window.showQuickPick(tokens.map((t, i) => ({ label: `${i + 1}. ${t.slice(0, 16)}…`, token: t })), { title: vscode.l10n.t('This line carries several JWTs: which one?') });
    if (pick) token = pick.token;
  }
  const event = findEvent(session, target);
  const ctx: DecodeContext = { origin: name };
  if (event?.time !== undefined) ctx.eventTime = event.time;
  if (event && (event.authScheme?.toLowerCase() === 'bearer' || event.tokens?.some((t) => t.where === 'authorization'))) ctx.usedAsBearer = true;
  return service.decode(token, ctx);
}

/** The session's event for a log line: its time makes "relative to the log event" possible. */
function findEvent(session: DiagnosisSession, target: DecodeTarget): OAuthEvent | undefined {
  for (const flow of session.snapshot().diagnosis.flows) {
    const e = flow.events.find((ev) => ev.ref.line === target.line && ev.ref.file === target.file);
    if (e) return e;
  }
  return undefined;
}
