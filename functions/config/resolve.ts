import { kindOf } from '../checks/registry.ts';
import { ConfigError, type ConfigIssue } from './errors.ts';
import { located, type Config } from './load.ts';
import type { Target } from './schema.ts';

/** Targets and routes with their values from the environment; secrets, never logged. */
export interface Resolved {
  targets: Target[];
  /** Named route → where it goes. (The default route is read with the settings.) */
  routes: Record<string, RouteTarget>;
}

/** A route's destination: an incoming webhook's URL (a secret), or a channel the Slack app posts to. */
export type RouteTarget = { webhook: string } | { channel: string };

/**
 * Fills in from the environment what these targets and the file's routes need: each kind's own
 * values (`${VAR}` in headers, the default project) and every route's webhook URL. All problems
 * are reported at once, each with its line: a poll cannot run without them. The targets' kinds
 * must be loaded (checks/registry.ts `loadKinds`).
 */
export function resolveAll(config: Config, targets: readonly Target[], env: NodeJS.ProcessEnv): Resolved {
  const issues: ConfigIssue[] = [];
  const resolved = resolveEach(config, targets, env, issues);
  const routes = routeUrls(config, env, issues);
  if (issues.length > 0) throw new ConfigError(config.file, issues);
  return { targets: resolved, routes };
}

/**
 * Resolves only these targets, and of the routes only those whose variable holds a URL here: a
 * `${VAR}` or a route that another target uses can never fail a ping. A route left out is
 * delivered by the next poll, which has them all.
 */
export function resolveOnly(config: Config, targets: readonly Target[], env: NodeJS.ProcessEnv): Resolved {
  const issues: ConfigIssue[] = [];
  const resolved = resolveEach(config, targets, env, issues);
  if (issues.length > 0) throw new ConfigError(config.file, issues);
  return { targets: resolved, routes: routeUrls(config, env, []) };
}

/**
 * Every route that can be delivered here: a webhook whose variable holds its URL, a channel when
 * SLACK_BOT_TOKEN is set. The others become `issues`.
 */
function routeUrls(
  config: Config,
  env: NodeJS.ProcessEnv,
  issues: ConfigIssue[],
): Record<string, RouteTarget> {
  const routes: Record<string, RouteTarget> = {};
  for (const [route, destination] of Object.entries(config.routes)) {
    if (typeof destination !== 'string') {
      if (env['SLACK_BOT_TOKEN']?.trim()) routes[route] = destination;
      else {
        const problem = `channel ${destination.channel} is posted by the Slack app, but SLACK_BOT_TOKEN is not set`;
        issues.push(located(['routes', route], problem, config.lineOf));
      }
      continue;
    }
    const variable = destination;
    const url = env[variable];
    // Said without the value: it is a secret, even when mistyped.
    const problem = !url
      ? `environment variable ${variable} is not set`
      : !/^https?:\/\//.test(url)
        ? `environment variable ${variable} does not hold an http(s) URL`
        : undefined;
    if (problem) issues.push(located(['routes', route], problem, config.lineOf));
    else if (url) routes[route] = { webhook: url };
  }
  return routes;
}

function resolveEach(
  config: Config,
  targets: readonly Target[],
  env: NodeJS.ProcessEnv,
  issues: ConfigIssue[],
): Target[] {
  return targets.map((target) => {
    const index = config.targets.indexOf(target);
    const kind = kindOf(target);
    if (!kind.resolve) return target;
    return kind.resolve(target, env, (path, message) => {
      issues.push(located(['targets', index, ...path], message, config.lineOf));
    });
  });
}
