#!/usr/bin/env node
// `npm run build`: the production artefact in dist/, which runs with production dependencies
// only (no tsx, no esbuild) on a read-only tree:
//   dist/src/…            the product compiled by tsc (tsconfig.build.json), tests left out
//   dist/src/…            its static files (stylesheets, the console's script, icons)
//   dist/src/token-app/dist/  the browser token, prebuilt (esbuild runs here, not in production)
//   dist/bin/mamori.js    the command, loading the compiled code
//   dist/package.json, dist/package-lock.json   what `npm ci --omit=dev` installs beside it
// Install: copy dist/ to the host, `npm ci --omit=dev` in it, run `node bin/mamori.js serve …`
// (docs/OPERATIONS.md, "The production artefact").
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: ${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
    process.exit(1);
  }
}

/** Files below `dir` (absolute paths), `dist` and `node_modules` folders left out. */
function filesBelow(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'dist' && name !== 'node_modules') found.push(...filesBelow(path));
    } else found.push(path);
  }
  return found;
}

rmSync(dist, { recursive: true, force: true });
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);

// The static files the product reads beside its modules. The browser token's own sources
// (styles.css, index.html, the manifest) are inputs of its build, not files it serves: left out,
// so the artefact holds no sources to rebuild from and uses its prebuilt token as it is.
for (const file of filesBelow(join(root, 'src'))) {
  const path = relative(root, file);
  if (path.endsWith('.ts') || path.startsWith('src/token-app/')) continue;
  mkdirSync(dirname(join(dist, path)), { recursive: true });
  cpSync(file, join(dist, path));
}

run(process.execPath, ['--import', 'tsx', join(root, 'src/token-app/build.ts')]);
cpSync(join(root, 'src/token-app/dist'), join(dist, 'src/token-app/dist'), { recursive: true });

mkdirSync(join(dist, 'bin'), { recursive: true });
writeFileSync(
  join(dist, 'bin/mamori.js'),
  [
    '#!/usr/bin/env node',
    '// The `mamori` command of the built artefact: the compiled product, no TypeScript loader.',
    "const { main } = await import('../src/cli/main.js');",
    'process.exitCode = await main(process.argv.slice(2));',
    '',
  ].join('\n'),
);
chmodSync(join(dist, 'bin/mamori.js'), 0o755);
for (const file of ['package.json', 'package-lock.json', 'LICENSE', 'CHANGELOG.md', 'README.md']) cpSync(join(root, file), join(dist, file));
console.log(`build: the artefact is in ${relative(process.cwd(), dist) || '.'}/ (install it with \`npm ci --omit=dev\` there)`);
