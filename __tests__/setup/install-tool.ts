/**
 * `tsx __tests__/setup/install-tool.ts NAME`: makes one registered tool ready. The global setup runs
 * one such process per tool, so the installs (network, pip, go) overlap instead of queueing.
 */
import { TEST_TOOLS } from './tools';

const name = process.argv[2];
const tool = TEST_TOOLS.find((t) => t.name === name);
if (!tool) throw new Error(`no test tool named ${String(name)} (see __tests__/setup/tools.ts)`);
tool.ensure();
