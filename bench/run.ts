/**
 * `npm run bench -- <name> [options]`: runs bench/<name>.ts with the options that follow, e.g.
 * `npm run bench -- billing --accounts 1000000` or `npm run bench -- billing --engine pglite --accounts 100000`.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const benches = readdirSync(here).filter((file) => file.endsWith('.ts') && file !== 'run.ts' && file !== 'machine.ts').map((file) => file.slice(0, -3));
const [name, ...rest] = process.argv.slice(2);
const file = name && benches.includes(name) ? path.join(here, `${name}.ts`) : '';
if (!file || !existsSync(file)) {
  console.error(`Usage: npm run bench -- <${benches.join('|')}> [options]`);
  process.exit(2);
}
process.argv = [process.argv[0] as string, file, ...rest];
await import(pathToFileURL(file).href);
