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
  datastreamApiUrl: string | undefined;
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
  const slackWebhookUrl = value('SLACK_WEBHOOK_URL');
  if (slackWebhookUrl !== undefined && !/^https?:\/\//.test(slackWebhookUrl)) {
    // Do not echo the value: it is a secret, even when mistyped.
    throw new SettingsError('SLACK_WEBHOOK_URL is set but is not an http(s) URL');
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
    datastreamApiUrl: value('DATASTREAM_API_URL'),
  };
}
