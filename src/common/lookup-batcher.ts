interface Waiting<Q, A> {
  question: Q;
  resolve(answer: A): void;
  reject(error: unknown): void;
}

// Many small lookups as few statements: questions asked while maxInFlight lookups are running wait and go
// together in the next one (at most maxBatch each). When idle, a question goes out at once, alone: no added
// latency at rest. Each question is answered by a lookup that started after it was asked, so an answer is
// never older than its question (a change committed before the question was asked is always seen).
export class LookupBatcher<Q, A> {
  private queue: Waiting<Q, A>[] = [];
  private inFlight = 0;

  constructor(
    private readonly lookUpAll: (questions: Q[]) => Promise<A[]>,
    private readonly limits: { maxInFlight: number; maxBatch: number },
  ) {}

  ask(question: Q): Promise<A> {
    return new Promise<A>((resolve, reject) => {
      this.queue.push({ question, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.inFlight < this.limits.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.slice(0, this.limits.maxBatch);
      this.queue = this.queue.slice(batch.length);
      this.inFlight += 1;
      void this.run(batch);
    }
  }

  // The next batch goes out before this one's answers are handed back.
  private async run(batch: Waiting<Q, A>[]): Promise<void> {
    let outcome: { answers: A[] } | { error: unknown };
    try {
      const answers = await this.lookUpAll(batch.map((item) => item.question));
      outcome =
        answers.length === batch.length
          ? { answers }
          : { error: new Error(`lookup answered ${answers.length} of ${batch.length} questions`) };
    } catch (error) {
      outcome = { error };
    }
    this.inFlight -= 1;
    this.dispatch();
    if ('answers' in outcome) {
      batch.forEach((item, index) => item.resolve(outcome.answers[index] as A));
    } else {
      batch.forEach((item) => item.reject(outcome.error));
    }
  }
}
