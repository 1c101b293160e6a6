import { kindOf } from '../checks/registry.ts';
import { ConfigError, type ConfigIssue } from './errors.ts';
import { located, type Config } from './load.ts';
import type { Target } from './schema.ts';

/** Targets and routes with their values from the environment; secrets, never logged. */
export interface Resolved {
  targets: Target[];
  /** Named route → webhook URL. (The default route is SLACK_WEBHOOK_URL, read with the settings.) */
  routes: Record<string, string>;
}

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

/** The webhook URL of every route whose variable holds one; the others become `issues`. */
function routeUrls(config: Config, env: NodeJS.ProcessEnv, issues: ConfigIssue[]): Record<string, string> {
  const routes: Record<string, string> = {};
  for (const [route, variable] of Object.entries(config.routes)) {
    const url = env[variable];
    // Said without the value: it is a secret, even when mistyped.
    const problem = !url
      ? `environment variable ${variable} is not set`
      : !/^https?:\/\//.test(url)
        ? `environment variable ${variable} does not hold an http(s) URL`
        : undefined;
    if (problem) issues.push(located(['routes', route], problem, config.lineOf));
    else if (url) routes[route] = url;
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
