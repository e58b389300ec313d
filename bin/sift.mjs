#!/usr/bin/env node
// Entry point of the `sift` command: registers the TypeScript loader, then runs the CLI host.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/hosts/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
