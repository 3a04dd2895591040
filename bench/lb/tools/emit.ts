// Tools report to the bench as JSON lines on stdout.
export function emit(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(JSON.stringify({ event, ...fields }) + '\n');
}

/** Exit when the parent goes away (stdin closes) or after a hard deadline, whichever comes first. */
export function exitWithParent(hardDeadlineMs: number): void {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
  setTimeout(() => process.exit(3), hardDeadlineMs).unref();
}
