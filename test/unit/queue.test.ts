import { describe, expect, it } from "vitest";
import { MemoryQueue } from "../../src/queue/memory.js";
import type { ReviewJob } from "../../src/queue/types.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

interface Trace {
  started: string[];
  aborted: string[];
  finished: string[];
}

function job(trace: Trace, key: string, headSha: string, gate?: Promise<void>, supersedes = true): ReviewJob {
  const id = `${key}@${headSha}`;
  return {
    key,
    headSha,
    id,
    supersedes,
    async run(signal) {
      trace.started.push(id);
      signal.addEventListener("abort", () => trace.aborted.push(id));
      await gate;
      trace.finished.push(id);
    },
  };
}

const newTrace = (): Trace => ({ started: [], aborted: [], finished: [] });
/** Jobs start on a later turn of the event loop. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("MemoryQueue", () => {
  it("runs at most `concurrency` reviews at once", async () => {
    const trace = newTrace();
    const gate = deferred();
    const queue = new MemoryQueue(2);
    for (const n of [1, 2, 3]) queue.enqueue(job(trace, `pr${n}`, "a", gate.promise));
    await turn();
    expect(trace.started).toEqual(["pr1@a", "pr2@a"]);
    expect(queue.depth).toBe(3);
    gate.resolve();
    await queue.onIdle();
    expect(trace.finished).toEqual(["pr1@a", "pr2@a", "pr3@a"]);
    expect(queue.depth).toBe(0);
  });

  it("runs one review at a time per pull request, and a newer head aborts the running one", async () => {
    const trace = newTrace();
    const gate = deferred();
    const queue = new MemoryQueue(4);
    queue.enqueue(job(trace, "pr", "old", gate.promise));
    await turn();
    queue.enqueue(job(trace, "pr", "new"));
    await turn();
    expect(trace.started).toEqual(["pr@old"]);
    expect(trace.aborted).toEqual(["pr@old"]);
    gate.resolve();
    await queue.onIdle();
    expect(trace.started).toEqual(["pr@old", "pr@new"]);
  });

  it("replaces a waiting review of an older head, keeps waiting commands, and drops duplicates", async () => {
    const trace = newTrace();
    const gate = deferred();
    const queue = new MemoryQueue(1);
    queue.enqueue(job(trace, "other", "x", gate.promise));
    queue.enqueue(job(trace, "pr", "1"));
    queue.enqueue(job(trace, "pr", "command", undefined, false));
    queue.enqueue(job(trace, "pr", "2"));
    expect(queue.enqueue(job(trace, "pr", "2"))).toBe("duplicate");
    expect(queue.depth).toBe(3);
    gate.resolve();
    await queue.onIdle();
    expect(trace.started).toEqual(["other@x", "pr@command", "pr@2"]);
  });

  it("reports a job that throws and carries on", async () => {
    const errors: unknown[] = [];
    const queue = new MemoryQueue(1, (_job, error) => errors.push(error));
    queue.enqueue({ key: "a", headSha: "1", id: "a1", supersedes: true, run: async () => Promise.reject(new Error("boom")) });
    const trace = newTrace();
    queue.enqueue(job(trace, "b", "1"));
    await queue.onIdle();
    expect((errors[0] as Error).message).toBe("boom");
    expect(trace.finished).toEqual(["b@1"]);
  });
});
