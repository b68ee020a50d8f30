/**
 * The subcommands, one line each. Each module is loaded when its command runs, not before:
 * `scan` then starts without the HTTP, TLS and JOSE code that `probe` and `live` need.
 */
import { registerSubcommand } from './main';

registerSubcommand('scan', async (args, out, err) => (await import('./scanCommand.js')).runScan(args, out, err));
registerSubcommand('probe', async (args, out, err) => (await import('./probeCommand.js')).runProbeCommand(args, out, err));
registerSubcommand('live', async (args, out, err) => (await import('./liveCommand.js')).runLiveCommand(args, out, err));
