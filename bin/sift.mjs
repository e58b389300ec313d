#!/usr/bin/env node
// Entry point of the `sift` command: registers the TypeScript loader, then runs the CLI host.
import { register } from 'tsx/esm/api';

register();
// stdout carries the command's own output only (JSON with --json). Libraries that print with
// console.log (libheif-js does, on a HEIC it cannot decode) go to stderr instead.
console.log = console.info = console.debug = (...args) => console.error(...args);
// `sift dupes --json | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { main } = await import('../src/hosts/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
