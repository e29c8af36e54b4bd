import type { Command } from '@commander-js/extra-typings';

// Placeholder: filled in by the issue that owns this command.
export function registerStart(program: Command): void {
  program.command('start').description('(not yet implemented)').action(() => {
    console.error('start: not implemented yet');
    process.exit(2);
  });
}
