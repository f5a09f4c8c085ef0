// Runs work for one sender strictly one after another, in the order it was asked for; different senders do
// not wait for each other. The sends of one sender use it up to the point where their append is queued: the
// steps before that (rate limit, access check with its cache, user lookup) take varying time and could
// otherwise let a pipelined second send overtake the first. The commit itself is not waited for.
export class SendOrder {
  private readonly tails = new Map<number, Promise<unknown>>();

  inTurn<T>(senderId: number, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(senderId);
    const result = previous ? previous.then(work, work) : work();
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(senderId, tail);
    void tail.then(() => {
      if (this.tails.get(senderId) === tail) {
        this.tails.delete(senderId);
      }
    });
    return result;
  }
}
