// The `authproxy` command line (design.md "Contract: CLI"). Each command lives in its own file under
// commands/ and registers itself here; commander does the parsing, help and errors.
import { Command } from '@commander-js/extra-typings';
import { exitQuietlyOnClosedOutput } from './closed-output.ts';
import { registerCheckConfig } from './commands/check-config.ts';
import { registerConnectivity } from './commands/connectivity.ts';
import { registerMockDuo } from './commands/mock-duo.ts';
import { registerSimulate } from './commands/simulate.ts';
import { registerStart } from './commands/start.ts';
import { registerTrace } from './commands/trace.ts';
import { registerViz } from './commands/viz.ts';

exitQuietlyOnClosedOutput();

const program = new Command()
  .name('authproxy')
  .description('A drop-in for the Duo Authentication Proxy: RADIUS with Duo two-factor authentication')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride((err) => {
    // A usage error (unknown option, bad or missing flag value) exits 2, as a bad configuration does;
    // --help and --version exit 0. Exit 1 stays for "ran, and something failed".
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

registerStart(program);
registerCheckConfig(program);
registerConnectivity(program);
registerMockDuo(program);
registerViz(program);
registerSimulate(program);
registerTrace(program);

await program.parseAsync(process.argv);
