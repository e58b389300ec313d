#!/usr/bin/env node
// Entry point of the `sift` command: runs the CLI host from the JavaScript build in dist/
// (src/hosts/cli/bin.ts), rebuilding it first when a source is newer (a git pull, an edit);
// see scripts/build.mjs. Build messages go to stderr: stdout is the command's own output.
import { ensureBuilt } from '../scripts/build.mjs';

try {
  await ensureBuilt();
} catch (error) {
  process.stderr.write(`sift: ${error.message}\n`);
  process.exit(1);
}
await import('../dist/cli.js');
