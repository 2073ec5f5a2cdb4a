import { EXIT_STATUS } from './exit-status.js';
import { run } from './program.js';
import { installSignalHandlers } from './signals.js';

installSignalHandlers((status) => process.exit(status), EXIT_STATUS.interrupted);
process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
