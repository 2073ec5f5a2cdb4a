/**
 * The gdb connections that share one target (a gdbserver lets several attach, as OpenOCD does: a
 * second gdb for a live watch, a script beside the IDE). Each connection keeps its own breakpoints
 * and watchpoints, but the FPB comparator, the DWT comparator or the BKPT patched into RAM is the
 * core's, one for everyone: it goes in when the first connection asks for it and comes out when the
 * last one that asked takes it back, so one gdb's `delete` or detach never removes another's.
 *
 * gdb's all-stop model has each attached gdb believe the core halted until it resumes it. So a
 * detach lets the core run only when no other gdb is attached, and a connection that halts the core
 * while another has it running (`?` from a new gdb, `^C`, `k`) tells that one who did.
 */
import type { BreakpointType, GdbTarget, WatchKind } from './target.js';

/** What the group needs of a connection. */
export interface GdbClient {
  /** Where it connected from, for messages ("127.0.0.1:50123"). */
  readonly name: string;
  /** Another client is halting the core: a run this one started must report that stop as theirs. */
  haltedBy(other: string): void;
}

export class GdbClients {
  private readonly attached = new Set<GdbClient>();
  /** Breakpoint or watchpoint key → the clients that asked for it. */
  private readonly holders = new Map<string, Set<GdbClient>>();

  constructor(private readonly target: GdbTarget) {}

  join(client: GdbClient): void {
    this.attached.add(client);
  }

  /** The client no longer counts as attached (its breakpoints are removed through remove*). */
  leave(client: GdbClient): void {
    this.attached.delete(client);
  }

  /** The other attached clients' names. */
  others(client: GdbClient): string[] {
    return [...this.attached].filter((c) => c !== client).map((c) => c.name);
  }

  /** `by` is about to halt the core: every other client hears of it. */
  halting(by: GdbClient): void {
    for (const client of this.attached) if (client !== by) client.haltedBy(by.name);
  }

  insertBreakpoint(client: GdbClient, type: BreakpointType, address: number): Promise<void> {
    return this.hold(client, `${type}:${address}`, () => this.target.insertBreakpoint(type, address));
  }

  removeBreakpoint(client: GdbClient, type: BreakpointType, address: number): Promise<void> {
    return this.release(client, `${type}:${address}`, () => this.target.removeBreakpoint(type, address));
  }

  insertWatchpoint(client: GdbClient, kind: WatchKind, address: number, length: number): Promise<void> {
    return this.hold(client, `${kind}:${address}:${length}`, () =>
      this.target.insertWatchpoint(kind, address, length),
    );
  }

  removeWatchpoint(client: GdbClient, kind: WatchKind, address: number, length: number): Promise<void> {
    return this.release(client, `${kind}:${address}:${length}`, () =>
      this.target.removeWatchpoint(kind, address, length),
    );
  }

  private async hold(client: GdbClient, key: string, insert: () => Promise<void>): Promise<void> {
    const held = this.holders.get(key);
    if (held !== undefined) {
      held.add(client);
      return;
    }
    // Recorded before the await, so a second client asking meanwhile does not insert it again.
    const holders = new Set([client]);
    this.holders.set(key, holders);
    try {
      await insert();
    } catch (error) {
      holders.delete(client);
      if (holders.size === 0 && this.holders.get(key) === holders) this.holders.delete(key);
      throw error;
    }
  }

  private async release(client: GdbClient, key: string, remove: () => Promise<void>): Promise<void> {
    const held = this.holders.get(key);
    // Unknown here (gdb removing what it never inserted): the target's remove is harmless then.
    if (held === undefined) return remove();
    held.delete(client);
    if (held.size > 0) return;
    this.holders.delete(key);
    return remove();
  }
}
