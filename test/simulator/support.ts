// Running `authproxy simulate` as a user does: the real command in a child process.
import { join } from 'node:path';
import { runTool, type ToolResult } from '../harness/process.ts';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'authproxy.js');
export const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples', 'scenarios');

export function simulate(scenario: string, ...args: string[]): Promise<ToolResult> {
  return runTool(process.execPath, [BIN, 'simulate', scenario, ...args], { timeoutMs: 60_000 });
}
