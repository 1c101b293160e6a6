import type { Kind, TargetOf } from '../config/schema.ts';
import type { Observation } from '../model/observation.ts';
import type { StateStore } from '../store/state-store.ts';

/**
 * Google's REST APIs, for checks. Every request goes through here (no googleapis module per API:
 * each costs ~40 ms and 4 MB at cold start), so one rule decides where it goes and with what.
 */
export interface GoogleApis {
  /**
   * GETs `path` of a Google REST API (`v1/projects/p/instances/i`) under the same rule: with
   * Application Default Credentials from `https://<service>.googleapis.com`, or from
   * `<SERVICE>_API_URL` with none. Resolves with the answer (JSON parsed when it is JSON); rejects
   * on an HTTP error with `{ response: { status, data } }`, as gaxios does.
   */
  get(service: string, path: string, options: { signal: AbortSignal; timeout: number }): Promise<unknown>;
}

/** What a check may use besides its target. */
export interface CheckContext {
  /** Aborted when the target's timeout passes; checks pass it to every request they make. */
  signal: AbortSignal;
  /** The poll's clock, so that every target is judged against one instant. */
  now: Date;
  google: GoogleApis;
  /**
   * The resource as a list returned it (a discovered target): the check reads it instead of
   * asking again. Absent for a target of its own.
   */
  listed?: Record<string, unknown>;
}

/** A resource a discovery list found: its id, and the resource itself when the list gave it whole. */
export interface Listed {
  id: string;
  resource?: Record<string, unknown>;
}

/** How a kind watches every resource of its kind with one target (`instance: "*"`). */
export interface Discovery<K extends Kind> {
  /** The target key that holds the resource id, or `"*"` for all of them. */
  readonly key: keyof TargetOf<K> & string;
  /** Every resource there is, or, when the list failed, why (a state: UNREACHABLE, API_ERROR…). */
  readonly list: (target: TargetOf<K>, context: CheckContext) => Promise<Listed[] | Observation>;
}

/** What a kind's `prepare` may use: it runs once per poll, before any check of that kind. */
export interface PrepareContext {
  store: StateStore;
  now: Date;
  /**
   * May tidy stored data (trim old pings): on real polls only, never on a dry run (which writes
   * nothing) nor on a ping's cycle (which must not contend with a burst of pings).
   */
  tidy: boolean;
}

/** Reports a problem with a target's config, at `path` under the target (`['headers', 'X']`). */
export type ConfigProblem = (path: PropertyKey[], message: string) => void;

/** What every kind may add: its states, a link for people, values from the environment. */
interface KindParticulars<K extends Kind> {
  /**
   * Every state its check can report (a pattern for families such as `HTTP_503`): an
   * `allowedStates` entry that can never match (a misspelt state) is a config error.
   */
  readonly states?: readonly (string | RegExp)[];
  /** Warns about what is valid but likely a mistake (`validate`): an unknown pod field, say. */
  readonly lint?: (target: TargetOf<K>, warn: ConfigProblem) => void;
  /** The resource's page for people (the Cloud console), shown in alerts. */
  readonly consoleUrl?: (target: TargetOf<K>) => string;
  /**
   * Fills in what the target takes from the environment (`${VAR}` in headers, the default
   * project), reporting what is missing. Runs only for targets about to be checked.
   */
  readonly resolve?: (target: TargetOf<K>, env: NodeJS.ProcessEnv, problem: ConfigProblem) => TargetOf<K>;
  /**
   * For a Google kind: its entry in Terraform's `watched_services` (the API it reads) and the
   * viewer role that lets the poller read it; the Terraform grants exactly that role.
   */
  readonly google?: { readonly service: string; readonly viewerRole: string };
  /** Present when `"*"` in its id key watches every resource of the kind. */
  readonly discovery?: Discovery<K>;
}

/**
 * Everything that is particular to one kind of target. A new kind is its schema variant in
 * config/schema.ts, one file in checks/ exporting one of these, and its line in registry.ts.
 * A kind whose check takes prepared data must say how to prepare it (a compile error otherwise).
 */
export type KindModule<K extends Kind, Prepared = undefined> = KindParticulars<K> & {
  /**
   * Observes one target. Never throws for anything the target did: an unhealthy, slow or
   * nonsensical target is an {@link Observation}, with the evidence in `detail`.
   */
  readonly check: (target: TargetOf<K>, context: CheckContext, prepared: Prepared) => Promise<Observation>;
} & ([Prepared] extends [undefined]
    ? { readonly prepare?: never }
    : {
        /** Reads, once per poll, what all targets of this kind need (push: their stored pings). */
        readonly prepare: (targets: readonly TargetOf<K>[], context: PrepareContext) => Promise<Prepared>;
      });

/** A kind as the registry holds it, whatever it prepares. */
export type RegisteredKind<K extends Kind> = KindParticulars<K> & {
  readonly check: (target: TargetOf<K>, context: CheckContext, prepared: never) => Promise<Observation>;
  readonly prepare?: (targets: readonly TargetOf<K>[], context: PrepareContext) => Promise<unknown>;
};

/**
 * How to load each kind's module; `satisfies KindLoaders` makes a kind without one, or with
 * another kind's module, a compile error.
 */
export type KindLoaders = { [K in Kind]: () => Promise<RegisteredKind<K>> };
