import { yieldToEventLoop } from "../util/yield.js";
import {
  type DrainResult,
  type EnqueueResult,
  type JobProcessor,
  type ReviewJob,
  type ReviewQueue,
  ShuttingDown,
} from "./types.js";

interface Running {
  job: ReviewJob;
  controller: AbortController;
}

/**
 * In-process review queue: at most `concurrency` reviews at once, one at a time per pull request,
 * and a newer head supersedes both the waiting and the running review of an older head. Tenants
 * (installations) take turns, each with at most `perTenant` reviews running, so one installation's
 * burst of pushes never makes another wait behind it. Work is lost on restart; set REDIS_URL for
 * the durable queue.
 */
export class MemoryQueue implements ReviewQueue {
  /** Waiting jobs per pull request, pull requests in arrival order. */
  private readonly waiting = new Map<string, ReviewJob[]>();
  private readonly running = new Map<string, Running>();
  private idleWaiters: Array<() => void> = [];
  private processor: JobProcessor | undefined;
  private draining = false;

  /** Tenants with waiting work, the one to serve next first (served tenants move to the back). */
  private readonly turns = new Map<string, true>();
  private readonly perTenant: number;

  constructor(
    private readonly concurrency: number,
    private readonly onError: (job: ReviewJob, error: unknown) => void = () => {},
    perTenant?: number,
  ) {
    // By default a tenant may use every slot while alone; turns still give the next free slot to
    // another tenant's waiting review before this one's next.
    this.perTenant = Math.max(1, perTenant ?? concurrency);
  }

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
    if (this.draining) throw new ShuttingDown();
    const active = this.running.get(job.key);
    const queued = this.waiting.get(job.key) ?? [];
    if (active?.job.id === job.id || queued.some((j) => j.id === job.id)) return "duplicate";
    let jobs = queued;
    if (job.supersedes) {
      if (active && active.job.headSha !== job.headSha)
        active.controller.abort(new Error(`superseded by ${job.headSha}`));
      jobs = queued.filter((j) => !j.supersedes);
    }
    this.waiting.set(job.key, [...jobs, job]);
    if (!this.turns.has(tenantOf(job))) this.turns.set(tenantOf(job), true);
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

  async drain(graceMs: number): Promise<DrainResult> {
    this.draining = true;
    const dropped = [...this.waiting.values()].flat().map((job) => job.id);
    this.waiting.clear();
    this.turns.clear();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      this.onIdle().then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(resolve, graceMs, false))),
    ]);
    clearTimeout(timer);
    const aborted = finished ? 0 : this.running.size;
    for (const { controller } of this.running.values())
      controller.abort(new Error("shutting down: the grace period ended"));
    return { dropped, aborted };
  }

  private pump(): void {
    if (!this.processor || this.draining) {
      this.settleIdle();
      return;
    }
    // Fair share: the next slot goes to the tenant running the fewest reviews, the least recently
    // served first among equals, so a newcomer never waits behind another tenant's backlog.
    while (this.running.size < this.concurrency) {
      let chosen: { tenant: string; key: string; running: number } | undefined;
      for (const tenant of [...this.turns.keys()]) {
        const key = this.startableKey(tenant);
        if (key === undefined) {
          if (!this.hasWaiting(tenant)) this.turns.delete(tenant);
          continue;
        }
        const running = this.runningOf(tenant);
        if (!chosen || running < chosen.running) chosen = { tenant, key, running };
      }
      if (!chosen) break;
      const [next, ...rest] = this.waiting.get(chosen.key) as ReviewJob[];
      if (rest.length > 0) this.waiting.set(chosen.key, rest);
      else this.waiting.delete(chosen.key);
      // Served: to the back of the line.
      this.turns.delete(chosen.tenant);
      if (this.hasWaiting(chosen.tenant)) this.turns.set(chosen.tenant, true);
      if (next) this.run(next, this.processor);
    }
    this.settleIdle();
  }

  private settleIdle(): void {
    if (this.depth === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** The tenant's oldest waiting pull request that is not running, if the tenant has room. */
  private startableKey(tenant: string): string | undefined {
    if (this.runningOf(tenant) >= this.perTenant) return undefined;
    for (const [key, jobs] of this.waiting)
      if (!this.running.has(key) && jobs[0] && tenantOf(jobs[0]) === tenant) return key;
    return undefined;
  }

  private runningOf(tenant: string): number {
    let count = 0;
    for (const { job } of this.running.values()) if (tenantOf(job) === tenant) count++;
    return count;
  }

  private hasWaiting(tenant: string): boolean {
    for (const jobs of this.waiting.values()) if (jobs[0] && tenantOf(jobs[0]) === tenant) return true;
    return false;
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

function tenantOf(job: ReviewJob): string {
  return job.tenant ?? "";
}
