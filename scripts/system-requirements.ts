/**
 * The first step of `npm test` (package.json "pretest"): makes sure this machine has what the specs
 * run besides Node.js — ZooKeeper and Java, kcat, confluent-kafka-python, ps — installing what is
 * missing on Debian/Ubuntu (lib/testing/system-requirements.ts). Silent when all is there.
 *
 *   node --import tsx scripts/system-requirements.ts
 */
import { ensureSystemRequirements, SystemRequirementsError, TEST_REQUIREMENTS } from '../lib/testing/system-requirements.js';

try {
  await ensureSystemRequirements(TEST_REQUIREMENTS, {
    purpose: 'npm test',
    say: (line) => void process.stdout.write(`kafkats: ${line}\n`),
  });
} catch (err) {
  if (!(err instanceof SystemRequirementsError)) throw err;
  process.stderr.write(`kafkats: ${err.message}\n`);
  process.exit(1);
}
