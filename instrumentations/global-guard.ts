/**
 * One active tracegate instrumentation per process. Each instance that is enabled either owns
 * the channel subscriptions or waits on standby; when the owner is disabled the longest-waiting
 * enabled instance takes over. The guard lives on `globalThis` under a `Symbol.for` key, so the
 * instances of the CommonJS and the ESM build (distinct classes) see the same guard: a call is
 * never turned into spans twice.
 */
import { processGlobal } from '../src/process-global.js';


/** What the guard needs from an instance (structural: both builds' classes satisfy it). */
export interface GuardMember {
  /** Called when the instance becomes the owner after waiting on standby. */
  activateFromStandby(): void;
}

interface Guard {
  owner: GuardMember | null;
  standby: GuardMember[];
}

function guard(): Guard {
  return processGlobal<Guard>('tracegate.instrumentation.guard', () => ({ owner: null, standby: [] }));
}

/** Claims ownership; false means another instance owns the channels and `member` waits. */
export function claim(member: GuardMember): boolean {
  const g = guard();
  if (g.owner === null || g.owner === member) {
    g.owner = member;
    return true;
  }
  if (!g.standby.includes(member)) g.standby.push(member);
  return false;
}

/** Releases ownership (or leaves standby); promotes the next waiting instance. */
export function release(member: GuardMember): void {
  const g = guard();
  g.standby = g.standby.filter((m) => m !== member);
  if (g.owner !== member) return;
  g.owner = null;
  const next = g.standby.shift();
  if (next) {
    g.owner = next;
    next.activateFromStandby();
  }
}
