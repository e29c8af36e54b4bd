import type { Command } from '@commander-js/extra-typings';

// Placeholder: filled in by the issue that owns this command.
export function registerCheckConfig(program: Command): void {
  program.command('check-config').description('(not yet implemented)').action(() => {
    console.error('check-config: not implemented yet');
    process.exit(2);
  });
}
