import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { HashAnswer, HashTask } from "./hash-task.js";

interface QueuedTask {
  task: Omit<HashTask, "id">;
  resolve: (answer: HashAnswer) => void;
  reject: (error: unknown) => void;
}

/**
 * A small pool of worker threads that hash local blob files — one per core,
 * at most four — so that verifying from an OCI layout or the cache uses
 * every core, not just the main thread. Workers are started on first use,
 * or ahead of it with {@link HashWorkerPool.warm}, and never keep the
 * process alive.
 *
 * @example
 * ```ts
 * const { digest, size } = await sharedHashPool().hash({ path, algorithm: "sha256", deep: false });
 * ```
 */
export class HashWorkerPool {
  readonly #idle: Worker[] = [];
  readonly #all: Worker[] = [];
  readonly #queue: QueuedTask[] = [];
  readonly #pending = new Map<
    number,
    { resolve: (a: HashAnswer) => void; reject: (e: unknown) => void; worker: Worker }
  >();
  #nextId = 1;

  constructor(private readonly size: number = Math.min(4, Math.max(1, availableParallelism()))) {}

  /**
   * Start every worker now, so that their start-up (tens of milliseconds
   * each) overlaps whatever the caller reads before the first file comes.
   */
  warm(): void {
    while (this.#all.length < this.size) this.#idle.push(this.#spawn());
  }

  /** Workers started and alive. */
  get workers(): number {
    return this.#all.length;
  }

  /** Hash one file in a worker; resolves with the worker's answer (which may carry an error). */
  hash(task: Omit<HashTask, "id">): Promise<HashAnswer> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ task, resolve, reject });
      this.#dispatch();
    });
  }

  /** Stop every worker. */
  async close(): Promise<void> {
    await Promise.all(this.#all.map((w) => w.terminate()));
    this.#all.length = 0;
    this.#idle.length = 0;
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const worker = this.#idle.pop() ?? (this.#all.length < this.size ? this.#spawn() : undefined);
      if (worker === undefined) return;
      const job = this.#queue.shift() as QueuedTask;
      const id = this.#nextId++;
      this.#pending.set(id, { resolve: job.resolve, reject: job.reject, worker });
      worker.ref();
      worker.postMessage({ ...job.task, id } satisfies HashTask);
    }
  }

  #spawn(): Worker {
    const worker = new Worker(new URL("./hash-worker.js", import.meta.url));
    worker.on("message", (answer: HashAnswer) => {
      const job = this.#pending.get(answer.id);
      this.#pending.delete(answer.id);
      worker.unref();
      this.#idle.push(worker);
      job?.resolve(answer);
      this.#dispatch();
    });
    worker.on("error", (error) => {
      for (const [id, job] of this.#pending) {
        if (job.worker !== worker) continue;
        this.#pending.delete(id);
        job.reject(error);
      }
      this.#all.splice(this.#all.indexOf(worker), 1);
    });
    worker.unref();
    this.#all.push(worker);
    return worker;
  }
}

let shared: HashWorkerPool | undefined;

/** The process-wide pool. */
export function sharedHashPool(): HashWorkerPool {
  return (shared ??= new HashWorkerPool());
}
