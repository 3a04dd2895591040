import type { Command } from 'commander';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('TODO')
    .action(() => {
      throw new Error('import: not implemented yet');
    });
}
