import { describe, expect, it } from "vitest";
import { MemoryQueue } from "../../src/queue/memory.js";
import { type ReviewEvent, type ReviewJob, ShuttingDown } from "../../src/queue/types.js";

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

/** A queue whose processor records what ran; a job waits on its gate, if it has one. */
function tracedQueue(concurrency: number, onError?: (job: ReviewJob, error: unknown) => void) {
  const trace: Trace = { started: [], aborted: [], finished: [] };
  const gates = new Map<string, Promise<void>>();
  const queue = new MemoryQueue(concurrency, onError);
  queue.start(async (event: ReviewEvent, signal) => {
    const id = event.id;
    if (id === "boom") throw new Error("boom");
    trace.started.push(id);
    signal.addEventListener("abort", () => trace.aborted.push(id));
    await gates.get(id);
    trace.finished.push(id);
  });
  const job = (key: string, headSha: string, gate?: Promise<void>, supersedes = true): ReviewJob => {
    const id = `${key}@${headSha}`;
    if (gate) gates.set(id, gate);
    return { key, headSha, id, supersedes, event: { id, name: "pull_request", payload: {} } };
  };
  return { queue, trace, job };
}

/** Jobs start on a later turn of the event loop. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("MemoryQueue", () => {
  it("runs at most `concurrency` reviews at once", async () => {
    const { queue, trace, job } = tracedQueue(2);
    const gate = deferred();
    for (const n of [1, 2, 3]) await queue.enqueue(job(`pr${n}`, "a", gate.promise));
    await turn();
    expect(trace.started).toEqual(["pr1@a", "pr2@a"]);
    expect(await queue.size()).toBe(3);
    gate.resolve();
    await queue.onIdle();
    expect(trace.finished).toEqual(["pr1@a", "pr2@a", "pr3@a"]);
    expect(await queue.size()).toBe(0);
  });

  it("runs one review at a time per pull request, and a newer head aborts the running one", async () => {
    const { queue, trace, job } = tracedQueue(4);
    const gate = deferred();
    await queue.enqueue(job("pr", "old", gate.promise));
    await turn();
    await queue.enqueue(job("pr", "new"));
    await turn();
    expect(trace.started).toEqual(["pr@old"]);
    expect(trace.aborted).toEqual(["pr@old"]);
    gate.resolve();
    await queue.onIdle();
    expect(trace.started).toEqual(["pr@old", "pr@new"]);
  });

  it("replaces a waiting review of an older head, keeps waiting commands, and drops duplicates", async () => {
    const { queue, trace, job } = tracedQueue(1);
    const gate = deferred();
    await queue.enqueue(job("other", "x", gate.promise));
    await queue.enqueue(job("pr", "1"));
    await queue.enqueue(job("pr", "command", undefined, false));
    await queue.enqueue(job("pr", "2"));
    expect(await queue.enqueue(job("pr", "2"))).toBe("duplicate");
    expect(await queue.size()).toBe(3);
    gate.resolve();
    await queue.onIdle();
    expect(trace.started).toEqual(["other@x", "pr@command", "pr@2"]);
  });

  it("reports a job that throws and carries on", async () => {
    const errors: unknown[] = [];
    const { queue, trace, job } = tracedQueue(1, (_job, error) => errors.push(error));
    await queue.enqueue({
      key: "a",
      headSha: "1",
      id: "boom",
      supersedes: true,
      event: { id: "boom", name: "pull_request", payload: {} },
    });
    await queue.enqueue(job("b", "1"));
    await queue.onIdle();
    expect((errors[0] as Error).message).toBe("boom");
    expect(trace.finished).toEqual(["b@1"]);
  });

  it("holds jobs until it is started", async () => {
    const queue = new MemoryQueue(1);
    await queue.enqueue({
      key: "a",
      headSha: "1",
      id: "a",
      supersedes: true,
      event: { id: "a", name: "pull_request", payload: {} },
    });
    await turn();
    expect(await queue.size()).toBe(1);
    const seen: string[] = [];
    queue.start(async (event) => void seen.push(event.id));
    await queue.onIdle();
    expect(seen).toEqual(["a"]);
  });
});

describe("MemoryQueue.drain (graceful stop)", () => {
  it("lets the running review finish within the grace period, drops the waiting ones by id, refuses new work", async () => {
    const { queue, trace, job } = tracedQueue(1);
    const gate = deferred();
    await queue.enqueue(job("pr1", "a", gate.promise));
    await queue.enqueue(job("pr2", "b"));
    await queue.enqueue(job("pr3", "c"));
    await turn();
    const drained = queue.drain(60_000);
    await expect(queue.enqueue(job("pr4", "d"))).rejects.toBeInstanceOf(ShuttingDown);
    gate.resolve();
    expect(await drained).toEqual({ dropped: ["pr2@b", "pr3@c"], aborted: 0 });
    expect(trace.finished).toEqual(["pr1@a"]);
    expect(trace.aborted).toEqual([]);
  });

  it("aborts a review still running when the grace period ends", async () => {
    const { queue, trace, job } = tracedQueue(2);
    await queue.enqueue(job("slow", "a", new Promise(() => {})));
    await turn();
    expect(await queue.drain(20)).toEqual({ dropped: [], aborted: 1 });
    expect(trace.aborted).toEqual(["slow@a"]);
  });
});

describe("fair between installations", () => {
  it("takes turns: a burst from one installation does not make another's review wait behind it", async () => {
    const order: string[] = [];
    const queue = new MemoryQueue(2, undefined, 2);
    const gates = new Map<string, () => void>();
    queue.start(async (event) => {
      order.push(event.id);
      await new Promise<void>((resolve) => gates.set(event.id, resolve));
    });
    const job = (tenant: string, n: number): ReviewJob => ({
      key: `${tenant}/r#${n}`,
      headSha: "a",
      id: `${tenant}#${n}`,
      supersedes: true,
      tenant,
      event: { id: `${tenant}#${n}`, name: "pull_request", payload: {} },
    });
    for (let n = 1; n <= 6; n++) await queue.enqueue(job("busy", n));
    await queue.enqueue(job("quiet", 1));
    await turn();
    expect(order).toEqual(["busy#1", "busy#2"]);
    gates.get("busy#1")?.();
    await turn();
    await turn();
    // The freed slot goes to the other installation, not to busy#3.
    expect(order).toEqual(["busy#1", "busy#2", "quiet#1"]);
    for (const release of gates.values()) release();
  });

  it("caps what one installation may run at once when asked", async () => {
    const order: string[] = [];
    const queue = new MemoryQueue(4, undefined, 1);
    queue.start(async (event) => {
      order.push(event.id);
      await new Promise(() => {});
    });
    for (const [tenant, n] of [
      ["a", 1],
      ["a", 2],
      ["b", 1],
    ] as const) {
      await queue.enqueue({
        key: `${tenant}#${n}`,
        headSha: "x",
        id: `${tenant}#${n}`,
        supersedes: true,
        tenant,
        event: { id: `${tenant}#${n}`, name: "pull_request", payload: {} },
      });
    }
    await turn();
    expect(order).toEqual(["a#1", "b#1"]);
  });
});
