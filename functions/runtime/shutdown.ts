import type { HttpFunction } from '@google-cloud/functions-framework';

/**
 * Cloud Run sends SIGTERM, then kills the instance 10 s later
 * (https://cloud.google.com/run/docs/container-contract#instance-shutdown). functions-framework
 * answers the latest request with a 500 and exits at once, so a message Slack is taking right then
 * stays leased in the outbox, unmarked, and is sent a second time once the lease runs out. Here a
 * SIGTERM stops new messages from being started, lets the requests under way finish (their
 * messages marked sent) for at most `graceMs`, and only then hands over to the framework's exit.
 */
export class GracefulShutdown {
  readonly #graceMs: number;
  readonly #inFlight = new Set<Promise<unknown>>();
  #stopping = false;
  #installed = false;

  constructor(graceMs = 8_000) {
    this.#graceMs = graceMs;
  }

  /** True once SIGTERM came: deliveries start nothing new. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /** The handler, its requests waited for on SIGTERM. */
  track(handler: HttpFunction): HttpFunction {
    return async (req, res) => {
      this.#takeOverSigterm();
      const work = Promise.resolve(handler(req, res));
      this.#inFlight.add(work);
      try {
        await work;
      } finally {
        this.#inFlight.delete(work);
      }
    };
  }

  /**
   * The framework registers its SIGTERM listener when its server starts listening, after this
   * module loaded; by the first request it is there to be taken over.
   */
  #takeOverSigterm(): void {
    if (this.#installed) return;
    this.#installed = true;
    const theirs = process.listeners('SIGTERM');
    process.removeAllListeners('SIGTERM');
    process.once('SIGTERM', (signal) => {
      this.#stopping = true;
      const grace = new Promise((resolve) => setTimeout(resolve, this.#graceMs).unref());
      void Promise.race([Promise.allSettled([...this.#inFlight]), grace]).then(() => {
        for (const listener of theirs) listener(signal);
        if (theirs.length === 0) process.exit(0);
      });
    });
  }
}
