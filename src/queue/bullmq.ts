import { DelayedError, type Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import {
  type DrainResult,
  type EnqueueResult,
  type JobProcessor,
  type ReviewJob,
  type ReviewQueue,
  ShuttingDown,
} from "./types.js";

export interface BullQueueOptions {
  concurrency: number;
  /** Redis key prefix, so several deployments (or test runs) can share one server. */
  prefix?: string;
  /** How long a worker's hold on a job lasts without renewal: a dead worker's job is retried after it. */
  lockDurationMs?: number;
  /** How often workers look for jobs whose worker died. */
  stalledIntervalMs?: number;
  onError?: (job: ReviewJob | undefined, error: unknown) => void;
}

const QUEUE_NAME = "django-review";
/** A job that finds its PR busy tries again this much later. */
const BUSY_RETRY_MS = 500;
const POLL_MS = 250;

/**
 * Review jobs on Redis through BullMQ: durable across restarts, shared by every replica, retried
 * with backoff, and a job whose worker dies mid-review is picked up by another one. Per-PR order is
 * kept with a Redis lock per pull request; a newer head is recorded in Redis, so the older head's
 * review stops (on any replica) before it posts. Installations take turns (job priorities).
 */
export class BullQueue implements ReviewQueue {
  /** The Redis connection, shared with what else needs Redis (the spending limits). */
  readonly connection: Redis;
  private readonly queue: Queue<ReviewJob>;
  private worker: Worker<ReviewJob> | undefined;
  readonly prefix: string;
  private readonly lockDurationMs: number;
  /** The running reviews' abort controllers (this process's). */
  private readonly controllers = new Set<AbortController>();
  private draining = false;

  constructor(
    redisUrl: string,
    private readonly options: BullQueueOptions,
  ) {
    this.prefix = options.prefix ?? "django-review";
    this.lockDurationMs = options.lockDurationMs ?? 30_000;
    // BullMQ's blocking connections need maxRetriesPerRequest: null.
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.queue = new Queue<ReviewJob>(QUEUE_NAME, { connection: this.connection, prefix: this.prefix });
  }

  start(processor: JobProcessor): void {
    this.worker = new Worker<ReviewJob>(QUEUE_NAME, (job, token) => this.process(job, token, processor), {
      connection: this.connection.duplicate(),
      prefix: this.prefix,
      concurrency: this.options.concurrency,
      lockDuration: this.lockDurationMs,
      stalledInterval: this.options.stalledIntervalMs ?? 30_000,
      maxStalledCount: 2,
    });
    this.worker.on("failed", (job, error) => {
      this.options.onError?.(job?.data, error);
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void this.leaveLine(job.data);
    });
    this.worker.on("completed", (job) => void this.leaveLine(job.data));
    this.worker.on("error", (error) => this.options.onError?.(undefined, error));
  }

  async enqueue(job: ReviewJob): Promise<EnqueueResult> {
    if (this.draining) throw new ShuttingDown();
    const jobId = safeId(job.id);
    if (await this.queue.getJob(jobId)) return "duplicate";
    if (job.supersedes) await this.connection.set(this.latestKey(job.key), job.headSha, "EX", 86_400);
    // Fair between installations: a job's priority is its place in its own installation's line, so
    // another installation's first review goes before this one's tenth (BullMQ runs lower numbers first).
    const place = await this.connection.incr(this.pendingKey(job));
    await this.connection.expire(this.pendingKey(job), 86_400);
    await this.queue.add("review", job, {
      jobId,
      priority: Math.min(place, 2_000_000),
      attempts: 3,
      backoff: { type: "exponential", delay: 5_000 },
      removeOnComplete: { age: 3_600, count: 1_000 },
      removeOnFail: { age: 86_400, count: 1_000 },
    });
    return "queued";
  }

  async size(): Promise<number> {
    const counts = await this.queue.getJobCounts("waiting", "active", "delayed", "prioritized", "waiting-children");
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  async onIdle(): Promise<void> {
    while ((await this.size()) > 0) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }

  async drain(graceMs: number): Promise<DrainResult> {
    this.draining = true;
    // The worker takes no new job and waits for the running ones; past the grace period they are
    // aborted (BullMQ hands them to another replica once their lock lapses). Waiting jobs stay in Redis.
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      (this.worker?.close() ?? Promise.resolve()).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(resolve, graceMs, false))),
    ]);
    clearTimeout(timer);
    const aborted = this.controllers.size;
    if (!finished) {
      for (const controller of this.controllers) controller.abort(new Error("shutting down: the grace period ended"));
      await this.worker?.close(true);
    }
    await this.queue.close();
    this.connection.disconnect();
    return { dropped: [], aborted: finished ? 0 : aborted };
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.connection.disconnect();
  }

  private async process(job: Job<ReviewJob>, token: string | undefined, processor: JobProcessor): Promise<void> {
    const data = job.data;
    const lockKey = `${this.prefix}:pr-lock:${data.key}`;
    const owner = `${job.id}:${token ?? ""}`;
    if ((await this.connection.set(lockKey, owner, "PX", this.lockDurationMs, "NX")) !== "OK") {
      // Another review of this PR is running somewhere: wait for it rather than run alongside.
      await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
      throw new DelayedError();
    }
    const controller = new AbortController();
    this.controllers.add(controller);
    const watch = setInterval(() => void this.watch(data, lockKey, owner, controller), POLL_MS);
    try {
      if (!(await this.isCurrent(data))) return;
      await processor(data.event, controller.signal);
    } finally {
      this.controllers.delete(controller);
      clearInterval(watch);
      // Release only our own lock (it may have expired and been taken meanwhile).
      if ((await this.connection.get(lockKey)) === owner) await this.connection.del(lockKey);
    }
  }

  /** Keeps the PR lock alive while the review runs, and aborts it when a newer head arrives. */
  private async watch(data: ReviewJob, lockKey: string, owner: string, controller: AbortController): Promise<void> {
    try {
      if ((await this.connection.get(lockKey)) === owner) await this.connection.pexpire(lockKey, this.lockDurationMs);
      if (!(await this.isCurrent(data))) controller.abort(new Error("superseded by a newer head"));
    } catch (error) {
      this.options.onError?.(data, error);
    }
  }

  private async isCurrent(data: ReviewJob): Promise<boolean> {
    if (!data.supersedes) return true;
    const latest = await this.connection.get(this.latestKey(data.key));
    return latest === null || latest === data.headSha;
  }

  /** One fewer job waiting or running for the installation (never below zero). */
  private async leaveLine(data: ReviewJob): Promise<void> {
    try {
      if ((await this.connection.decr(this.pendingKey(data))) < 0)
        await this.connection.set(this.pendingKey(data), "0", "EX", 86_400);
    } catch (error) {
      this.options.onError?.(data, error);
    }
  }

  private pendingKey(job: ReviewJob): string {
    return `${this.prefix}:pending:${job.tenant ?? ""}`;
  }

  private latestKey(key: string): string {
    return `${this.prefix}:latest-head:${key}`;
  }
}

/** BullMQ job ids may not contain ":"; ours carry owner/repo#number@sha. */
function safeId(id: string): string {
  return id.replace(/[^A-Za-z0-9_.@#/-]/g, "_");
}
