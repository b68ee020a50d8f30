/**
 * The shape every format parser returns, and the options they share.
 */
import type { EventDraft } from './oauthFields';

/** Options that change how lines are read. */
export interface ParseOptions {
  /**
   * Zone for timestamps written without one (Laravel, Keycloak): `UTC` (default), an offset
   * such as `+03:00`, or an IANA name such as `Europe/Berlin`.
   */
  timeZone?: string;
}

/** A line read by one format: the fields found, and the text to show as its message. */
export interface ParsedLine {
  draft: EventDraft;
  message: string;
  /** A wrapped line to read instead (docker's json-file `{"log":"…","stream":"stdout"}`). */
  inner?: { text: string; time?: number };
}
