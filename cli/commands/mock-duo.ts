import type { Command } from '@commander-js/extra-typings';

// Placeholder: filled in by the issue that owns this command.
export function registerMockDuo(program: Command): void {
  program.command('mock-duo').description('(not yet implemented)').action(() => {
    console.error('mock-duo: not implemented yet');
    process.exit(2);
  });
}
