/**
 * The `sift` process around `main`: bin/sift.mjs runs its build (dist/cli.js); tests run this file
 * from the sources (`node --import tsx src/hosts/cli/bin.ts`, see cliFromSource in engine/testing).
 */
import { main } from './main';

// stdout carries the command's own output only (JSON with --json). Libraries that print with
// console.log (libheif-js does, on a HEIC it cannot decode) go to stderr instead.
console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
// `sift dupes --json | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
process.exitCode = await main(process.argv.slice(2));
