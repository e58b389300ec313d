#!/usr/bin/env node
// Entry point of the `sift` command: runs the CLI host from the JavaScript build in dist/,
// rebuilding it first when a source is newer (a git pull, an edit); see scripts/build.mjs.
import { ensureBuilt } from '../scripts/build.mjs';

// stdout carries the command's own output only (JSON with --json). Libraries that print with
// console.log (libheif-js does, on a HEIC it cannot decode) go to stderr instead, and so do the
// build's messages.
console.log = console.info = console.debug = (...args) => console.error(...args);
// `sift dupes --json | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
try {
  await ensureBuilt();
} catch (error) {
  console.error(`sift: ${error.message}`);
  process.exit(1);
}
const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv.slice(2));
