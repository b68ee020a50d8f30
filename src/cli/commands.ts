/**
 * Imports every subcommand module for its registration side effect. One line per subcommand;
 * `main.ts` stays unaware of their internals.
 */
import './scanCommand';
import './probeCommand';
import './liveCommand';
export {};
