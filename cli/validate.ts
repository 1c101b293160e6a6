import { ConfigError, formatIssue } from '../functions/config/errors.ts';
import { loadConfig } from '../functions/config/load.ts';
import { resolveAll } from '../functions/config/resolve.ts';
import { configWarnings } from '../functions/config/warnings.ts';
import { readSettings, SettingsError } from '../functions/runtime/settings.ts';

export interface Io {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * `gcp-status-poller validate [file] [--env]`: the checks a poll makes, before deploying. Every
 * problem with its field path and line, exit 1; doubts (a state no check reports, an unknown pod
 * field) as warnings, exit 0. With `--env`, also that every `${VAR}`, route webhook and default
 * project is there in this environment (without printing any value).
 */
export async function validate(file: string, options: { env: boolean }, io: Io): Promise<number> {
  try {
    // Parsed, never taken from a compiled form: validating is what makes one trustworthy.
    const config = await loadConfig(file, { compiled: false });
    if (options.env) {
      resolveAll(config, config.targets, io.env);
      // What the function would refuse to start with (a token that is not one, a channel name).
      const { slackApp, slackWebhookUrl } = readSettings(io.env);
      if (!slackWebhookUrl && !slackApp?.channel) {
        io.err(
          "warning: neither SLACK_WEBHOOK_URL nor SLACK_BOT_TOKEN with SLACK_CHANNEL is set: the default route's messages would only be logged",
        );
      }
    }
    for (const warning of configWarnings(config)) io.err(`warning: ${formatIssue(warning)}`);
    const kinds = new Map<string, number>();
    for (const target of config.targets) kinds.set(target.kind, (kinds.get(target.kind) ?? 0) + 1);
    const routes = Object.keys(config.routes).length;
    io.out(
      `${file}: valid, ${config.targets.length} target${config.targets.length === 1 ? '' : 's'} ` +
        `(${[...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ')})` +
        (routes > 0 ? `, ${routes} route${routes === 1 ? '' : 's'}` : '') +
        (options.env ? ', environment complete' : ''),
    );
    return 0;
  } catch (error) {
    if (error instanceof SettingsError) {
      io.err(`error: ${error.message}`);
      return 1;
    }
    if (!(error instanceof ConfigError)) throw error;
    io.err(error.message);
    return 1;
  }
}
