#!/usr/bin/env node
import { run } from './index.js';

/**
 * The reader of stdout went away (`hapctl … | head -1`): stop at once and quietly, like a tool
 * killed by SIGPIPE but without the failure — no stack trace, exit 0 (or the command's own exit code
 * when it had already finished, e.g. an error whose `--json` could not be printed). Any other
 * stdout failure is one line on stderr and exit 1.
 */
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
    process.exit(process.exitCode ?? 0);
  }
  process.stderr.write(`hapctl: cannot write to stdout: ${error.message}\n`);
  process.exit(1);
});

/** Nobody reads stderr any more (`hapctl … 2>&1 | head`): warnings and errors are dropped, not thrown. */
process.stderr.on('error', () => {});

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`hapctl: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
