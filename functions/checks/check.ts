import type { datastream_v1 } from 'googleapis/build/src/apis/datastream/index.js';
import type { Kind, TargetOf } from '../config/schema.ts';
import type { Observation, PushRecord } from '../model.ts';

/** What a check may use besides its target: the poll's abort signal and the shared clients. */
export interface CheckContext {
  /** Aborted when the target's timeout passes; checks pass it to every request they make. */
  signal: AbortSignal;
  /** The Datastream client, created once per process (token caching lives in it). */
  datastream: () => datastream_v1.Datastream;
  /** The stored pings of a push target (read once per poll for all push targets). */
  pushRecord: (name: string) => Promise<PushRecord | undefined>;
  /** The poll's clock, so that lateness is judged against one instant. */
  now: Date;
}

/**
 * Observes one target. A check never throws for anything the target did: an unhealthy, slow or
 * nonsensical target is an {@link Observation}, with the evidence in `detail`.
 */
export type Check<K extends Kind> = (target: TargetOf<K>, context: CheckContext) => Promise<Observation>;

/** One check per kind; `satisfies CheckRegistry` makes a kind without a check a compile error. */
export type CheckRegistry = { [K in Kind]: Check<K> };
