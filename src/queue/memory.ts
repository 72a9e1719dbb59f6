import { yieldToEventLoop } from "../util/yield.js";
import type { EnqueueResult, JobProcessor, ReviewJob, ReviewQueue } from "./types.js";

interface Running {
  job: ReviewJob;
  controller: AbortController;
}

/**
 * In-process review queue: at most `concurrency` reviews at once, one at a time per pull request,
 * and a newer head supersedes both the waiting and the running review of an older head.
 * Work is lost on restart; set REDIS_URL for the durable queue.
 */
export class MemoryQueue implements ReviewQueue {
  /** Waiting jobs per pull request, pull requests in arrival order. */
  private readonly waiting = new Map<string, ReviewJob[]>();
  private readonly running = new Map<string, Running>();
  private idleWaiters: Array<() => void> = [];
  private processor: JobProcessor | undefined;

  constructor(
    private readonly concurrency: number,
    private readonly onError: (job: ReviewJob, error: unknown) => void = () => {},
  ) {}

  get depth(): number {
    let waiting = 0;
    for (const jobs of this.waiting.values()) waiting += jobs.length;
    return waiting + this.running.size;
  }

  start(processor: JobProcessor): void {
    this.processor = processor;
    this.pump();
  }

  async enqueue(job: ReviewJob): Promise<EnqueueResult> {
    const active = this.running.get(job.key);
    const queued = this.waiting.get(job.key) ?? [];
    if (active?.job.id === job.id || queued.some((j) => j.id === job.id)) return "duplicate";
    let jobs = queued;
    if (job.supersedes) {
      if (active && active.job.headSha !== job.headSha) active.controller.abort(new Error(`superseded by ${job.headSha}`));
      jobs = queued.filter((j) => !j.supersedes);
    }
    this.waiting.set(job.key, [...jobs, job]);
    this.pump();
    return "queued";
  }

  async size(): Promise<number> {
    return this.depth;
  }

  onIdle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.onIdle();
  }

  private pump(): void {
    if (!this.processor) return;
    for (const [key, jobs] of this.waiting) {
      if (this.running.size >= this.concurrency) break;
      if (this.running.has(key)) continue;
      const [next, ...rest] = jobs;
      if (rest.length > 0) this.waiting.set(key, rest);
      else this.waiting.delete(key);
      if (next) this.run(next, this.processor);
    }
    if (this.depth === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private run(job: ReviewJob, processor: JobProcessor): void {
    const controller = new AbortController();
    this.running.set(job.key, { job, controller });
    // Started on a later turn of the event loop: the webhook that queued it is answered first.
    yieldToEventLoop()
      .then(() => processor(job.event, controller.signal))
      .catch((error: unknown) => this.onError(job, error))
      .finally(() => {
        this.running.delete(job.key);
        this.pump();
      });
  }
}
