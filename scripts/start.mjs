#!/usr/bin/env node
// `npm start`: build the console and portal when their sources changed since the last build, then run
// the platform on the embedded database with the demo utility (URLs and demo logins are printed).
import { spawnSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const stampFile = path.join(web, 'dist', '.source-hash');

function filesUnder(directory) {
  const result = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) result.push(...filesUnder(full));
    else result.push(full);
  }
  return result;
}

function sourceHash() {
  const hash = createHash('sha256');
  const files = [
    ...filesUnder(path.join(web, 'src')),
    path.join(web, 'console', 'index.html'),
    path.join(web, 'portal', 'index.html'),
    path.join(web, 'vite.config.ts'),
    path.join(web, 'package.json'),
  ].sort();
  for (const file of files) hash.update(file).update(readFileSync(file));
  return hash.digest('hex');
}

const hash = sourceHash();
const isBuilt = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash && statSync(path.join(web, 'dist', 'console', 'index.html')).isFile();
if (!isBuilt) {
  console.log('Building the console and portal (first start, or sources changed)…');
  const build = spawnSync('npm', ['run', 'build', '-w', 'web'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  writeFileSync(stampFile, hash);
}

const server = spawn(process.execPath, [path.join(root, 'server', 'bin', 'shuiwu.mjs'), 'serve', '--seed-demo', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
