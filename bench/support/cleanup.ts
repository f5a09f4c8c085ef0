// Undo steps run last-in first-out, each at most once, whatever happened before (error, Ctrl-C, time budget).
export class Cleanup {
  private readonly tasks: { name: string; run: () => Promise<void> }[] = [];

  add(name: string, run: () => Promise<void>): void {
    this.tasks.push({ name, run });
  }

  async runAll(log: (line: string) => void): Promise<void> {
    while (this.tasks.length > 0) {
      const task = this.tasks.pop();
      if (!task) {
        break;
      }
      try {
        await task.run();
      } catch (error) {
        log(`cleanup "${task.name}" failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
