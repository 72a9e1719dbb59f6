/** A webhook delivery to act on: all a worker (in this process or another replica) needs. */
export interface ReviewEvent {
  id: string;
  name: string;
  payload: unknown;
}

/** One review to run: the newest head of a pull request wins over older ones. */
export interface ReviewJob {
  /** Identifies the pull request: jobs with the same key run one at a time. */
  key: string;
  /** The head SHA this job reviews; a job for another head of the same PR supersedes it. */
  headSha: string;
  /** Identifies the request (e.g. `pr@sha`, or a command's comment id): a duplicate is dropped. */
  id: string;
  /**
   * True for a push/open event: it replaces the PR's waiting event jobs and aborts a running review
   * of another head. A command (which reads the head when it starts) is false and never replaced.
   */
  supersedes: boolean;
  /** Whose budget it is (the installation): reviews are shared out fairly between tenants. */
  tenant?: string;
  event: ReviewEvent;
}

/** Does a job's work; must stop without posting once `signal` is aborted (a newer head arrived). */
export type JobProcessor = (event: ReviewEvent, signal: AbortSignal) => Promise<void>;

export type EnqueueResult = "queued" | "duplicate";

export interface ReviewQueue {
  /** Starts working on jobs with `processor` (the app calls it once, when it loads). */
  start(processor: JobProcessor): void;
  enqueue(job: ReviewJob): Promise<EnqueueResult>;
  /** Resolves when nothing is queued or running. */
  onIdle(): Promise<void>;
  /** Jobs waiting plus jobs running. */
  size(): Promise<number>;
  close(): Promise<void>;
  /**
   * For a graceful stop: takes no more jobs, gives running reviews up to `graceMs` to finish (then
   * aborts them: they post nothing), and says what did not run. In memory, waiting jobs are dropped;
   * on Redis they stay queued for the next replica.
   */
  drain(graceMs: number): Promise<DrainResult>;
}

export interface DrainResult {
  /** Jobs that will not run (their ids): dropped from memory. */
  dropped: string[];
  /** Running reviews still going when the grace period ended (aborted). */
  aborted: number;
}

/**
 * Said to a webhook that arrives while the process is stopping: GitHub records the delivery as failed, to redeliver.
 */
export class ShuttingDown extends Error {
  constructor() {
    super("django-review is shutting down: this delivery was not queued (redeliver it from the app's settings)");
  }
}
