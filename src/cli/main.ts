import { EXIT_STATUS } from './exit-status.js';
import { run } from './program.js';

process.on('SIGINT', () => process.exit(EXIT_STATUS.interrupted));
process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
