import type { Command } from 'commander';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('TODO')
    .action(() => {
      throw new Error('run: not implemented yet');
    });
}
