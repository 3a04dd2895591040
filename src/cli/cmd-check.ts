import type { Command } from 'commander';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('TODO')
    .action(() => {
      throw new Error('check: not implemented yet');
    });
}
