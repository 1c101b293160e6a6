import { describe, expect, it } from 'vitest';
import { readSettings } from '../../functions/runtime/settings.ts';

describe('the environment contract', () => {
  it('reads the Slack app: its token, its default channel and where its Web API is', () => {
    expect(
      readSettings({
        SLACK_BOT_TOKEN: 'xoxb-1-2-3',
        SLACK_CHANNEL: 'C0123DATA',
        SLACK_API_URL: 'http://127.0.0.1:9/api/',
      }).slackApp,
    ).toEqual({ token: 'xoxb-1-2-3', channel: 'C0123DATA', apiUrl: 'http://127.0.0.1:9/api/' });
  });

  it('has the documented defaults', () => {
    expect(readSettings({})).toEqual({
      targetsFile: 'config/targets.yaml',
      slackWebhookUrl: undefined,
      stateStore: 'memory',
      stateStoreWarning:
        'no GOOGLE_CLOUD_PROJECT or FIRESTORE_EMULATOR_HOST: states are kept in memory and lost on restart',
      project: undefined,
      firestoreDatabase: undefined,
      collectionPrefix: '',
      watchdogUrl: undefined,
      pingKey: undefined,
      statusPublic: false,
    });
  });

  it('opens the status page to anyone only with STATUS_PUBLIC=true, and refuses anything but true or false', () => {
    expect(readSettings({ STATUS_PUBLIC: 'true' }).statusPublic).toBe(true);
    expect(readSettings({ STATUS_PUBLIC: 'false' }).statusPublic).toBe(false);
    expect(() => readSettings({ STATUS_PUBLIC: 'yes' })).toThrow(
      'STATUS_PUBLIC=yes is neither true nor false',
    );
  });

  it.each([
    [{ GOOGLE_CLOUD_PROJECT: 'p' }, 'firestore'],
    [{ FIRESTORE_EMULATOR_HOST: '127.0.0.1:8085' }, 'firestore'],
    [{ GOOGLE_CLOUD_PROJECT: 'p', STATE_STORE: 'memory' }, 'memory'],
    [{ STATE_STORE: 'firestore' }, 'firestore'],
  ])('picks the state store from %j: %s', (env, store) => {
    expect(readSettings(env)).toMatchObject({ stateStore: store, stateStoreWarning: undefined });
  });

  it.each([
    [{ STATE_STORE: 'redis' }, 'STATE_STORE=redis is not one of firestore, memory'],
    [
      { SLACK_WEBHOOK_URL: 'hooks.slack.com/services/T/B/secret' },
      'SLACK_WEBHOOK_URL is set but is not an http(s) URL',
    ],
    [{ WATCHDOG_URL: 'hc-ping.com/secret' }, 'WATCHDOG_URL is set but is not an http(s) URL'],
    [{ PING_KEY: 'secret' }, 'PING_KEY must be at least 16 letters, digits, - or _'],
    [
      { FIRESTORE_COLLECTION_PREFIX: 'a/b' },
      'FIRESTORE_COLLECTION_PREFIX=a/b may hold only letters, digits, - and _',
    ],
    [{ SLACK_BOT_TOKEN: 'secret-not-a-token' }, 'SLACK_BOT_TOKEN is set but is not a Slack token (xoxb-…)'],
    [{ SLACK_CHANNEL: 'C0123DATA' }, 'SLACK_CHANNEL is set but SLACK_BOT_TOKEN is not'],
    [
      { SLACK_BOT_TOKEN: 'xoxb-secret', SLACK_CHANNEL: '#data' },
      'SLACK_CHANNEL=#data is not a channel id such as C0123DATA',
    ],
  ])('refuses %j without echoing secrets', (env, message) => {
    expect(() => readSettings(env)).toThrow(message);
    expect(() => readSettings(env)).not.toThrow(/secret/);
  });
});
