/** Where and how often a fault applies. One-shot unless `times` or `persist` says otherwise. */
export interface FaultScope {
  /** Only commands whose text matches (a string matches as a prefix). Default: every command. */
  match?: string | RegExp;
  /** How many times the fault fires. Default 1. */
  times?: number;
  /** Fire forever (ignores `times`); not reported by `assertNoPendingFaults()`. */
  persist?: boolean;
}

/** A fault to inject into a fake's answers. */
export type Fault = FaultScope &
  (
    | { kind: 'delay'; ms: number }
    | { kind: 'refuse-connections' }
    | { kind: 'close-before-reply' }
    | { kind: 'close-mid-reply'; afterBytes: number }
    | { kind: 'stall-mid-reply'; afterBytes: number }
    | { kind: 'chunked-reply'; chunkSize?: number; intervalMs?: number }
    | { kind: 'garbage-reply'; text?: string }
    | { kind: 'reply'; text: string }
    | { kind: 'permission-denied' }
    /** The process reloads just before this command: state re-read (optionally from new config), ids renumbered. */
    | { kind: 'reload'; config?: string }
  );

/** The kinds of fault `inject()` accepts. */
export type FaultKind = Fault['kind'];

interface ArmedFault {
  fault: Fault;
  remaining: number;
}

/** The faults armed on one fake, consumed as commands (or connections) hit them. */
export class FaultQueue {
  #faults: ArmedFault[] = [];

  add(fault: Fault): void {
    this.#faults.push({ fault, remaining: fault.persist ? Number.POSITIVE_INFINITY : (fault.times ?? 1) });
  }

  clear(): void {
    this.#faults = [];
  }

  /** Take the first fault that applies to a new connection (`refuse-connections`). */
  takeConnectionFault(): Fault | undefined {
    return this.#take((fault) => fault.kind === 'refuse-connections');
  }

  /** Take the first command fault that matches this command text. */
  takeCommandFault(line: string): Fault | undefined {
    return this.#take((fault) => {
      if (fault.kind === 'refuse-connections') return false;
      if (fault.match === undefined) return true;
      return typeof fault.match === 'string' ? line.trim().startsWith(fault.match) : fault.match.test(line);
    });
  }

  /** Faults that were expected to fire but have not (persistent ones excluded). */
  pending(): Fault[] {
    return this.#faults
      .filter((armed) => !armed.fault.persist && armed.remaining > 0)
      .map((armed) => armed.fault);
  }

  #take(predicate: (fault: Fault) => boolean): Fault | undefined {
    const armed = this.#faults.find((candidate) => candidate.remaining > 0 && predicate(candidate.fault));
    if (!armed) return undefined;
    armed.remaining -= 1;
    return armed.fault;
  }
}

/** Bytes used by `garbage-reply` when no text is given: not CSV, not a known message. */
export const GARBAGE = '\u0000\u00ff# pxname,svn\u0007\ngarbage,,,\n\n';
