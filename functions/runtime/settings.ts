/** The environment contract (DESIGN.md), read once at cold start. */
export const stateStores = ['firestore', 'memory'] as const;
export type StateStoreKind = (typeof stateStores)[number];

export interface Settings {
  targetsFile: string;
  /** A secret: passed to the Slack client, never logged. */
  slackWebhookUrl: string | undefined;
  stateStore: StateStoreKind;
  /** Why `memory` was chosen without being asked for, to warn about it. */
  stateStoreWarning: string | undefined;
  project: string | undefined;
  /** Firestore database id; `(default)` unless set. */
  firestoreDatabase: string | undefined;
  /** Put in front of every collection name, so several pollers can share a database. */
  collectionPrefix: string;
  /** A secret (anyone holding it can ping): called after each successful full poll, never logged. */
  watchdogUrl: string | undefined;
  /** The secret path prefix of the `ping` function. */
  pingKey: string | undefined;
  /** The Slack app: its bot token (a secret), the default route's channel, and `SLACK_API_URL`. */
  slackApp: { token: string; channel: string | undefined; apiUrl: string | undefined } | undefined;
  /** The status page is open to anyone (`STATUS_PUBLIC=true`): it then shows no detail, route or console link. */
  statusPublic: boolean;
}

/** Misconfigured environment: the function cannot start. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const value = (name: string) => (env[name]?.trim() ? env[name].trim() : undefined);
  const project = value('GOOGLE_CLOUD_PROJECT');
  const explicit = value('STATE_STORE');
  if (explicit !== undefined && !(stateStores as readonly string[]).includes(explicit)) {
    throw new SettingsError(`STATE_STORE=${explicit} is not one of ${stateStores.join(', ')}`);
  }
  const found = project !== undefined || value('FIRESTORE_EMULATOR_HOST') !== undefined;
  const stateStore = (explicit as StateStoreKind | undefined) ?? (found ? 'firestore' : 'memory');
  const slackWebhookUrl = secretUrl(value, 'SLACK_WEBHOOK_URL');
  const collectionPrefix = value('FIRESTORE_COLLECTION_PREFIX') ?? '';
  if (!/^[A-Za-z0-9_-]*$/.test(collectionPrefix)) {
    throw new SettingsError(
      `FIRESTORE_COLLECTION_PREFIX=${collectionPrefix} may hold only letters, digits, - and _`,
    );
  }
  return {
    targetsFile: value('TARGETS_FILE') ?? 'config/targets.yaml',
    slackWebhookUrl,
    stateStore,
    stateStoreWarning:
      explicit === undefined && !found
        ? 'no GOOGLE_CLOUD_PROJECT or FIRESTORE_EMULATOR_HOST: states are kept in memory and lost on restart'
        : undefined,
    project,
    firestoreDatabase: value('FIRESTORE_DATABASE'),
    collectionPrefix,
    watchdogUrl: secretUrl(value, 'WATCHDOG_URL'),
    pingKey: readPingKey(value('PING_KEY')),
    slackApp: readSlackApp(value),
    statusPublic: readFlag(value, 'STATUS_PUBLIC'),
  };
}

function readSlackApp(value: (name: string) => string | undefined): Settings['slackApp'] {
  const token = value('SLACK_BOT_TOKEN');
  const channel = value('SLACK_CHANNEL');
  const apiUrl = secretUrl(value, 'SLACK_API_URL');
  if (token === undefined) {
    if (channel !== undefined) throw new SettingsError('SLACK_CHANNEL is set but SLACK_BOT_TOKEN is not');
    return undefined;
  }
  // Do not echo the value: it is a secret, even when mistyped.
  if (!/^xox[a-z]-/.test(token))
    throw new SettingsError('SLACK_BOT_TOKEN is set but is not a Slack token (xoxb-…)');
  if (channel !== undefined && !/^[CG][A-Z0-9]{2,}$/.test(channel)) {
    throw new SettingsError(`SLACK_CHANNEL=${channel} is not a channel id such as C0123DATA`);
  }
  return { token, channel, apiUrl };
}

function readFlag(value: (name: string) => string | undefined, name: string): boolean {
  const flag = value(name) ?? 'false';
  if (flag !== 'true' && flag !== 'false')
    throw new SettingsError(`${name}=${flag} is neither true nor false`);
  return flag === 'true';
}

function readPingKey(key: string | undefined): string | undefined {
  if (key !== undefined && !/^[A-Za-z0-9_-]{16,}$/.test(key)) {
    throw new SettingsError(
      'PING_KEY must be at least 16 letters, digits, - or _ (e.g. openssl rand -hex 16)',
    );
  }
  return key;
}

function secretUrl(value: (name: string) => string | undefined, name: string): string | undefined {
  const url = value(name);
  if (url !== undefined && !/^https?:\/\//.test(url)) {
    // Do not echo the value: it is a secret, even when mistyped.
    throw new SettingsError(`${name} is set but is not an http(s) URL`);
  }
  return url;
}
