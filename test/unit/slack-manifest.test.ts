import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** What each Web API method the app calls needs: https://docs.slack.dev/reference/methods */
const SCOPES_OF: Record<string, string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
};

describe('the Slack app manifest', () => {
  it('asks for exactly the scopes of the methods the app calls, and no more', async () => {
    const manifest = parse(await readFile('slack/manifest.yaml', 'utf8')) as {
      oauth_config: { scopes: { bot: string[] } };
    };
    const source = await readFile('functions/notify/slack-app.ts', 'utf8');
    const called = [
      ...new Set([...source.matchAll(/client\.(\w+)\.(\w+)\(/g)].map((m) => `${m[1]}.${m[2]}`)),
    ];
    expect(called.sort()).toEqual(Object.keys(SCOPES_OF).sort());
    const needed = [
      ...new Set(called.flatMap((method) => SCOPES_OF[method] ?? [`unknown scope of ${method}`])),
    ];
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(needed.sort());
  });
});
