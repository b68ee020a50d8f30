/** What a local tail knows about the file it has open. */
export interface OpenFileState {
  /** `dev:ino` of the open descriptor. */
  id: string;
  /** Bytes consumed so far (the next read starts here). */
  offset: number;
}

/** What `stat(path)` says now; `undefined` when the path does not exist. */
export interface PathStat {
  id: string;
  size: number;
}

/**
 * The next step of a `tail -F` loop:
 * - `read`: same file, grown or unchanged – read from the offset;
 * - `truncated`: same file, now shorter than what was read (copy-truncate) – restart at 0;
 * - `replaced`: the path now names another file (rename-and-create) – drain the old descriptor,
 *   then follow the new file from its start;
 * - `gone`: the path no longer exists (deleted or renamed away) – drain the old descriptor and
 *   wait for the path to reappear;
 * - `appeared`: nothing open and the path exists – open it;
 * - `absent`: nothing open and nothing there – keep waiting.
 */
export type RotationStep = 'read' | 'truncated' | 'replaced' | 'gone' | 'appeared' | 'absent';

/**
 * Decides the next step from the open file and the path's current stat. `contentChanged` says
 * the bytes just before the offset differ from what was read there: the file was truncated and
 * refilled past the old offset between two looks, which sizes alone cannot show.
 *
 * @example decideRotation({ id: '1:5', offset: 100 }, { id: '1:5', size: 40 }) === 'truncated'
 */
export function decideRotation(open: OpenFileState | undefined, now: PathStat | undefined, contentChanged = false): RotationStep {
  if (!open) return now ? 'appeared' : 'absent';
  if (!now) return 'gone';
  if (now.id !== open.id) return 'replaced';
  if (now.size < open.offset || contentChanged) return 'truncated';
  return 'read';
}
