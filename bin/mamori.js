#!/usr/bin/env node
// The `mamori` command. Sources are TypeScript run through tsx's loader, so a clone works
// with `npm install` alone (no build step to forget).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
