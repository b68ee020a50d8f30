/**
 * Command ids: a contract mirrored in package.json `contributes.commands` (a unit test keeps the
 * two in step). Defined once here; never spell them by hand elsewhere.
 */
export const COMMANDS = {
  diagnose: 'oauthDebugger.diagnose',
  tailLogFile: 'oauthDebugger.tailLogFile',
  tailRemoteLog: 'oauthDebugger.tailRemoteLog',
  stopTailing: 'oauthDebugger.stopTailing',
  runLiveFlow: 'oauthDebugger.runLiveFlow',
  decodeJwt: 'oauthDebugger.decodeJwt',
  exportReport: 'oauthDebugger.exportReport',
  /** Tree context menu and hover link: reveal a flow or log line in the panel's timeline. */
  showInTimeline: 'oauthDebugger.showInTimeline',
  /** Tree context menu: open the log line behind a flow, stage or event. */
  revealLogLine: 'oauthDebugger.revealLogLine',
  /** Tree context menu: copy a token/code fingerprint. */
  copyFingerprint: 'oauthDebugger.copyFingerprint',
} as const;
export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** Setting keys, under the one `oauthDebugger` prefix; mirrored in package.json. */
export const SETTINGS_PREFIX = 'oauthDebugger';

/** View and container ids. */
export const VIEWS = {
  container: 'oauthDebugger',
  flowTimeline: 'oauthDebugger.flowTimeline',
  panel: 'oauthDebugger.panel',
} as const;
