/** Entry point of dist/cli.js. */
import { main } from './main';
import './commands';

main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`oauth-diagnose: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
