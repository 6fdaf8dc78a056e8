#!/usr/bin/env node
/** The `hub` command (npm run hub -- --help). */
import { runCli } from '../cli';

await runCli(process.argv.slice(2));
