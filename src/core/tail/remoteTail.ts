import { shQuote } from './shellQuote';
import { REMOTE_ERROR_MARKER } from './sshErrors';
import { MAX_LINE_CHARS } from '../lines';

/**
 * Where a remote tail stands, kept across reconnects so a resumed stream has no gap and no
 * duplicate.
 *
 * Design (why it is robust):
 * - Position is a BYTE offset into the file plus the file's identity (`dev:ino` from a remote
 *   `stat`), not a line count: `tail -c +OFFSET` restarts exactly after the last byte we
 *   delivered, whatever was appended while the connection was down.
 * - The stream passes through `grep -a -b -n`, which prefixes every line with its line number
 *   and byte offset IN THE STREAM. From those the client computes the file offset and line of
 *   every delivered line even when a server-side filter drops lines in between, and resumes at
 *   the end of the last delivered line; dropped lines after it are simply filtered again.
 * - `tail -F` follows rotation. Its notices (`has been replaced`, `file truncated`, `has
 *   appeared`) are merged into the same stream (`2>&1`; GNU `error()` flushes stdout first, so
 *   the order is exact) and always pass the filter; each starts a new "generation" whose file
 *   offset is 0. After a replacement the new file's identity is not known until the next
 *   `stat`, so it is recorded as `?` and adopted at the next reconnect if the file there is at
 *   least as long as our offset.
 * - On reconnect the remote script compares identities: same file and long enough → resume at
 *   the offset; same file but shorter → it was truncated while we were away → start at 0;
 *   another file → it was rotated while we were away → start the new file at 0 (the lines the
 *   old file got after the drop cannot be found under an unknown rotated name, and a note
 *   says so).
 */
export interface RemoteResume {
  /** `dev:ino`, or `?` when the file was replaced during the stream and not yet stat'ed. */
  id: string;
  /** Bytes of the file consumed up to the end of the last delivered (or filtered-out) line. */
  offset: number;
  /** Lines of the file before that offset. */
  fileLine: number;
}

export interface RemoteTailOptions {
  path: string;
  /** Lines of history on the first connection (like `tail -n`). */
  initialLines: number;
  /**
   * Instead of `initialLines`: ship the last this-many bytes of the file on the first connection
   * (`tail -c`), for a start from a time whose cut happens on the client (SinceGate), so a big
   * log never crosses the network whole. Starts at a line boundary (a partial first line is
   * dropped). 0 or undefined = use `initialLines`.
   */
  backlogBytes?: number;
  /** Extended regular expression (`grep -i -E`) applied on the server; empty or undefined = no filter. */
  filter?: string;
  resume?: RemoteResume;
}

/** Marks the stream header and the tail-exited line. */
export const HEADER_MARKER = '@@OAUTHDBG';

/**
 * Builds the POSIX `sh` script the server runs. Every user value (path, filter, resume id) is
 * single-quoted with shQuote, so no character in them is ever interpreted by the shell.
 * The script checks the file, prints a header (`@@OAUTHDBG 1 mode id size start line skip`),
 * then runs `tail -c +START -F -- PATH 2>&1 | grep --line-buffered -a -b -n -i -E ...`. A
 * background `cat` watches the SSH channel; when it closes, GNU tail's `--pid` ends the follow,
 * so no `tail` lingers on the server after a drop or a stop.
 */
export function buildRemoteTailScript(opts: RemoteTailOptions): string {
  const n = Math.max(0, Math.floor(opts.initialLines));
  const c = Math.max(0, Math.floor(opts.backlogBytes ?? 0));
  const filter = opts.filter && opts.filter.length > 0 ? opts.filter : '';
  const r = opts.resume;
  const lines = [
    `p=${shQuote(opts.path)}; n=${n}; c=${c}; rid=${shQuote(r ? r.id : '')}; roff=${r ? Math.floor(r.offset) : 0}; rline=${r ? Math.floor(r.fileLine) : 0}; pat=${shQuote(filter)}`,
    'LC_ALL=C; export LC_ALL',
    `e() { echo "${REMOTE_ERROR_MARKER} $1" >&2; exit 3; }`,
    'command -v tail >/dev/null 2>&1 || e no-tail',
    'command -v grep >/dev/null 2>&1 || e no-tail',
    '[ -e "$p" ] || e missing',
    '[ -d "$p" ] && e not-a-file',
    '[ -r "$p" ] || e denied',
    'if [ -n "$pat" ]; then echo x | grep -i -E -e "$pat" >/dev/null 2>&1; [ $? -eq 2 ] && e bad-filter; fi',
    `st=$(stat -L -c '%d:%i %s' -- "$p" 2>/dev/null || stat -L -f '%d:%i %z' -- "$p" 2>/dev/null) || st='? 0'`,
    'id=${st% *}; sz=${st#* }; skip=0; line=0',
    'if [ -n "$rid" ]; then',
    '  if { [ "$rid" = "$id" ] || [ "$rid" = "?" ]; } && [ "$roff" -le "$sz" ]; then mode=resume; start=$roff; line=$rline',
    '  elif [ "$rid" = "$id" ]; then mode=truncated; start=0',
    '  else mode=rotated; start=0; fi',
    'else',
    '  mode=initial; from=0',
    // A byte window (start from a time, cut on the client): the last c bytes; its first line is
    // cut unless the byte before the window is a newline.
    '  if [ "$c" -gt 0 ]; then',
    '    [ "$sz" -gt "$c" ] && from=$((sz - c)); start=$from',
    '    if [ "$from" -gt 0 ]; then b=$(tail -c +"$from" -- "$p" | head -c 1 | od -An -tx1 | tr -d " \\n"); [ "$b" = 0a ] || skip=1; fi',
    '  else',
    '  w=$((n * 4096 + 65536)); [ "$sz" -gt "$w" ] && from=$((sz - w))',
    '  if [ "$n" -eq 0 ]; then keep=0; else keep=$(tail -c +$((from + 1)) -- "$p" | head -c $((sz - from)) | tail -n "$n" | wc -c | tr -d " "); fi',
    '  start=$((sz - keep))',
    // The window held fewer than n lines: its first line is cut; the client drops it.
    '  [ "$from" -gt 0 ] && [ "$start" -eq "$from" ] && skip=1',
    '  fi',
    '  if [ "$start" -le 67108864 ]; then line=$(head -c "$start" -- "$p" | wc -l | tr -d " "); else line=-1; fi',
    'fi',
    `printf '${HEADER_MARKER} 1 %s %s %s %s %s %s\\n' "$mode" "$id" "$sz" "$start" "$line" "$skip"`,
    'if [ -n "$pat" ]; then set -- -e "$pat"; else set -- -e ""; fi',
    // Watchdog: `cat` reads the SSH channel and ends when it closes; GNU tail's --pid then
    // stops the follow within a second, so no tail lingers on the server after a drop.
    'exec 3<&0',
    'cat <&3 >/dev/null 3<&- &',
    'w=$!',
    'exec 3<&-',
    'o=; tail --pid=$$ -n 0 -- "$p" >/dev/null 2>&1 && o="--pid=$w"',
    `( tail $o -c +$((start + 1)) -F -- "$p" 2>&1; echo "${HEADER_MARKER}-TAIL-EXIT $?" ) | grep --line-buffered -a -b -n -i -E "$@" -e '^tail: ' -e '^${HEADER_MARKER}'`,
    'kill $w 2>/dev/null',
  ];
  return lines.join('\n');
}

/**
 * The remote command line handed to `ssh`: the script, single-quoted, run by `sh -c`. The
 * user's login shell only sees one quoted word, so it works from bash, zsh, dash, ksh and fish.
 */
export function buildRemoteCommand(opts: RemoteTailOptions): string {
  return `sh -c ${shQuote(buildRemoteTailScript(opts))}`;
}

/** What the decoder reports besides lines. */
export type RemoteTailEvent =
  | { type: 'header'; mode: 'initial' | 'resume' | 'truncated' | 'rotated'; id: string; size: number; start: number }
  /**
   * `backlog`: the line was in the file when the first connection started (before its size
   * then); `backlogDone`: it is the backlog's last line (it ends exactly at that size).
   */
  | { type: 'line'; line: number; text: string; truncated: boolean; backlog: boolean; backlogDone?: boolean }
  | { type: 'notice'; kind: 'replaced' | 'truncated' | 'appeared' | 'inaccessible' | 'other'; text: string }
  | { type: 'tail-exit'; code: number };

const NOTICE = /^tail: (.*)$/;

/**
 * Turns the remote stream's lines (already cut by LineSplitter, with their raw byte length) into
 * delivered lines and events, and keeps the RemoteResume bookkeeping (see its doc comment).
 * One decoder lives across reconnects; `connectionStarted()` is called before each new stream.
 */
export class RemoteTailDecoder {
  private resumeState: RemoteResume | undefined;
  /** Sum of the lines of earlier generations (rotated or truncated files), so numbers keep rising. */
  private lineBase = 0;
  private headerSeen = false;
  private skipNext = false;
  /** File size at the first connection while its generation lasts; lines ending at or before it are backlog. */
  private backlogEnd = -1;
  // Current generation: where it starts in the stream and in the file.
  private genStreamLine = 0;
  private genStreamOffset = 0;
  private genFileLine = 0;
  private genFileOffset = 0;
  // Stream lines and bytes inside the current generation that were not file content (notices
  // such as "has become inaccessible"): subtracted when mapping stream positions to the file.
  private genSkipLines = 0;
  private genSkipBytes = 0;

  constructor(private readonly emit: (e: RemoteTailEvent) => void) {}

  /** Position to resume from after a reconnect; undefined before the first header. */
  get resume(): RemoteResume | undefined {
    return this.resumeState ? { ...this.resumeState } : undefined;
  }

  /** True once the current connection's header arrived (the remote checks passed). */
  get connected(): boolean {
    return this.headerSeen;
  }

  connectionStarted(): void {
    this.headerSeen = false;
    this.skipNext = false;
  }

  /** Feeds one raw stream line: `text` as cut by the splitter, `bytes` its full raw length with newline. */
  push(text: string, bytes: number, truncated: boolean): void {
    if (!this.headerSeen) {
      this.header(text);
      return;
    }
    const m = /^(\d+):(\d+):/.exec(text);
    if (!m) return; // not from grep: ignore rather than guess
    const streamLine = Number(m[1]);
    const streamOffset = Number(m[2]);
    const prefixLen = m[0].length;
    let body = text.slice(prefixLen);
    // The splitter's cap includes the grep prefix; the line itself gets the full cap.
    if (body.length > MAX_LINE_CHARS) {
      body = body.slice(0, MAX_LINE_CHARS);
      truncated = true;
    }
    const bodyBytes = bytes - prefixLen - 1; // the full line's bytes without prefix and newline
    const state = this.resumeState!;

    const notice = NOTICE.exec(body);
    if (notice) {
      const kind = noticeKind(notice[1]!);
      if (kind !== 'other' && kind !== 'inaccessible') {
        // The notice ends the old generation: everything before it in the stream was old file.
        const oldLines = this.genFileLine + (streamLine - 1 - this.genStreamLine - this.genSkipLines);
        this.lineBase += oldLines;
        this.genStreamLine = streamLine;
        this.genStreamOffset = streamOffset + bodyBytes + 1;
        this.genFileLine = 0;
        this.genFileOffset = 0;
        this.genSkipLines = 0;
        this.genSkipBytes = 0;
        this.resumeState = { id: kind === 'truncated' ? state.id : '?', offset: 0, fileLine: 0 };
        this.backlogEnd = -1;
      } else {
        this.genSkipLines += 1;
        this.genSkipBytes += bodyBytes + 1;
      }
      this.emit({ type: 'notice', kind, text: body });
      return;
    }
    const exit = new RegExp(`^${HEADER_MARKER}-TAIL-EXIT (\\d+)`).exec(body);
    if (exit) {
      this.emit({ type: 'tail-exit', code: Number(exit[1]) });
      return;
    }
    const fileLine = this.genFileLine + (streamLine - this.genStreamLine - this.genSkipLines);
    const endOffset = this.genFileOffset + (streamOffset + bodyBytes + 1 - this.genStreamOffset - this.genSkipBytes);
    this.resumeState = { id: state.id, offset: endOffset, fileLine };
    if (this.skipNext) {
      this.skipNext = false;
      // Only the window's cut first line is dropped: with a server-side filter the first line
      // that arrives may be a later, whole one.
      if (streamOffset === this.genStreamOffset) return;
    }
    this.emit({ type: 'line', line: this.lineBase + fileLine, text: body, truncated, backlog: endOffset <= this.backlogEnd, ...(endOffset === this.backlogEnd ? { backlogDone: true } : {}) });
  }

  private header(text: string): void {
    const f = text.split(' ');
    if (f[0] !== HEADER_MARKER || f[1] !== '1' || f.length < 8) return; // e.g. a login banner on stdout
    const mode = f[2] as 'initial' | 'resume' | 'truncated' | 'rotated';
    const id = f[3]!;
    const size = Number(f[4]);
    const start = Number(f[5]);
    const line = Number(f[6]);
    const prev = this.resumeState;
    // A resume in the same file keeps the first connection's backlog boundary (a drop during the
    // backlog must not turn the rest of it into "appends"); another file has no backlog.
    this.backlogEnd = mode === 'initial' ? size : mode === 'resume' ? this.backlogEnd : -1;
    if (mode === 'initial') {
      this.lineBase = 0;
      this.genFileLine = line >= 0 ? line : 0;
    } else if (mode === 'resume') {
      this.genFileLine = prev?.fileLine ?? 0;
    } else {
      this.lineBase += prev?.fileLine ?? 0;
      this.genFileLine = 0;
    }
    this.genFileOffset = start;
    this.genStreamLine = 0;
    this.genStreamOffset = 0;
    this.genSkipLines = 0;
    this.genSkipBytes = 0;
    this.skipNext = f[7] === '1';
    this.resumeState = { id, offset: start, fileLine: this.genFileLine };
    this.headerSeen = true;
    this.emit({ type: 'header', mode, id, size, start });
  }
}

function noticeKind(rest: string): 'replaced' | 'truncated' | 'appeared' | 'inaccessible' | 'other' {
  if (/has been replaced/.test(rest)) return 'replaced';
  if (/file truncated$/.test(rest)) return 'truncated';
  if (/has appeared/.test(rest)) return 'appeared';
  if (/has become inaccessible|No such file/.test(rest)) return 'inaccessible';
  return 'other';
}
