#!/usr/bin/env node
// Entry point of the `shuiwu` CLI. Runs the TypeScript sources directly through tsx so that a fresh
// checkout needs no build step before `npx shuiwu …` or `npm start`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/bin/cli.ts');
process.exitCode = await main(process.argv.slice(2));
