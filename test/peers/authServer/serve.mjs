// Runs the test authorization server as a separate process (for suites that cannot import
// oidc-provider, e.g. the bundled integration tests in the extension host). Prints one JSON line
// `{"issuer": …}` when ready; exits on SIGTERM or when stdin closes.
//   node test/peers/authServer/serve.mjs '{"redirectUris":["http://127.0.0.1:9/cb"],"authMethod":"none","clientId":"web"}'
import { startAuthServer } from './authServer.mjs';

const config = JSON.parse(process.argv[2] ?? '{}');
const as = await startAuthServer(config);
process.stdout.write(`${JSON.stringify({ issuer: as.issuer, clientId: as.clientId })}\n`);
const stop = () => { void as.close().then(() => process.exit(0)); };
process.once('SIGTERM', stop);
process.stdin.on('close', stop);
process.stdin.resume();
