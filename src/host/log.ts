import * as vscode from 'vscode';
import { redact } from '../core/redact/redact';

/**
 * The extension's one output channel. Every message passes through the redactor first, so a
 * token or secret that slips into a message is masked before it is written.
 */
export class Log implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('OAuth Flow Debugger', { log: true });
  }

  info(message: string): void {
    this.channel.info(redact(message));
  }

  warn(message: string): void {
    this.channel.warn(redact(message));
  }

  error(message: string, err?: unknown): void {
    const suffix = err instanceof Error ? `: ${err.message}` : err === undefined ? '' : `: ${String(err)}`;
    this.channel.error(redact(message + suffix));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
