/**
 * Traffic mirroring: a sampled share of an alias's calls is sent again, in the background, to a
 * shadow alias. The shadow call is a normal router call marked `shadow: true` (on its CallInfo
 * and its spans), so evaluators can compare it with the live answer; it never touches the
 * caller's answer, latency or key/user/team budgets, and its failures are swallowed (but
 * published as a `mirror` decision and on the shadow call's own trace).
 */
import type { CallEvent } from '../channels.js';
import { decide } from './decisions.js';

export interface MirrorRule {
  /** The shadow alias. */
  to: string;
  /** Share of calls mirrored, 0..1. */
  sampleRate: number;
}

export type MirrorConfig = Readonly<Record<string, MirrorRule>>;

/**
 * Starts the shadow call on the next turn of the event loop; never throws, never awaited by the
 * caller. Returns whether the call was sampled.
 */
export function mirrorCall(
  call: CallEvent,
  rule: MirrorRule | undefined,
  random: () => number,
  launch: (alias: string) => Promise<unknown>,
): boolean {
  if (!rule || call.shadow || rule.sampleRate <= 0 || random() >= rule.sampleRate) return false;
  call.info.mirroredTo = rule.to;
  decide(call, 'mirror', 'send', { 'mirror.alias': rule.to, 'mirror.sample_rate': rule.sampleRate });
  setImmediate(() => {
    let p: Promise<unknown>;
    try {
      p = launch(rule.to);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      async (result) => {
        // Drain shadow streams so the upstream call completes and is recorded.
        if (result && typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
          for await (const _ of result as AsyncIterable<unknown>) {
            /* drain */
          }
        }
      },
    ).catch((err: unknown) => {
      decide(call, 'mirror', 'shadow_failed', {
        'mirror.alias': rule.to,
        'error.type': (err as { errorClass?: string })?.errorClass ?? 'unknown',
      });
    });
  });
  return true;
}
