/**
 * `npm run fuzz`: the property tests of test/fuzz with many more cases than `npm test` runs
 * (FUZZ_RUNS, default 5,000 here; FUZZ_SEED to explore other seeds). Extra arguments go to Vitest,
 * e.g. `npm run fuzz -- test/fuzz/search.fuzz.test.ts`.
 */
import { spawnSync } from 'node:child_process';

const runs = process.env.FUZZ_RUNS ?? '5000';
const args = process.argv.slice(2);
const targets = args.some((a) => !a.startsWith('-')) ? args : ['test/fuzz', ...args];
process.stdout.write(`fuzz: ${runs} cases per property, seed ${process.env.FUZZ_SEED ?? 'default'}\n`);
const result = spawnSync('npx', ['vitest', 'run', '--project', 'engines', ...targets], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs },
});
process.exit(result.status ?? 1);
