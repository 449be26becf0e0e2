import { issue, TerminologyError } from './issues';

/**
 * A budget of processing time per request. The engine is synchronous, so a request that scans a
 * large code system holds the event loop; its long loops call `checkDeadline()`, which ends the
 * request with a too-costly error once its budget is spent, and every other client is served
 * again. The budget in force is the one of the request running now (set around each synchronous
 * run with `Deadline.run`), so nothing needs to be passed down through the engine.
 */
export class Deadline {
  private readonly endsAt: number;

  constructor(readonly budgetMs: number) {
    this.endsAt = performance.now() + budgetMs;
  }

  get expired(): boolean {
    return performance.now() > this.endsAt;
  }

  /** Run `work` under this deadline (deadlines nest: the inner one applies until `work` returns). */
  run<T>(work: () => T): T {
    const outer = current;
    current = this;
    try {
      return work();
    } finally {
      current = outer;
    }
  }

  /** Throws the request's too-costly error if the budget is spent. */
  check(): void {
    if (this.expired) throw new TerminologyError(issue('REQUEST_TOO_COSTLY', [this.budgetMs]));
  }
}

let current: Deadline | undefined;

/** The deadline of the request running now, for work that goes on after a turn of the event loop. */
export function currentDeadline(): Deadline | undefined {
  return current;
}
let calls = 0;
/** Reading the clock costs more than one step of most loops: look every few steps. */
const STEPS_PER_LOOK = 64;

/** Called once per step of the engine's long loops; cheap when the budget is not spent. */
export function checkDeadline(): void {
  if (current === undefined || ++calls % STEPS_PER_LOOK !== 0) return;
  current.check();
}

/** Resolves on a later turn of the event loop, after the I/O waiting now (other clients, probes) is served. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Work done in many steps that takes a turn of the event loop once `sliceMs` have passed since the
 * last one: small steps run back to back, and no run of them holds the loop much longer than that.
 */
export class TimeSlices {
  private since = performance.now();

  constructor(private readonly sliceMs = 10) {}

  /** Call between steps: resolves at once while the slice lasts, on a later turn once it is spent. */
  async pause(): Promise<void> {
    if (performance.now() - this.since < this.sliceMs) return;
    await nextTurn();
    this.since = performance.now();
  }
}
