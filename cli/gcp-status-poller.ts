#!/usr/bin/env node
/**
 * gcp-status-poller: what operators run in a terminal.
 *
 *   validate [file] [--env]                     check the targets file (before deploying)
 *   poll [--dry-run] [--target NAME]… [--json]   one poll, read as a table
 *   status [--json] [--filter TEXT] [--show …]   the status page's table, from the store
 *   test-notification [route] [--url URL]        a test message through a route
 *   exec <ping-url> -- <command> [args…]         run a job between two pings
 */
import { parseArgs } from 'node:util';
import { execWithPings } from './exec.ts';
import { pollFromTerminal } from './poll.ts';
import { statusFromTerminal } from './status.ts';
import { testNotification } from './test-notification.ts';
import { validate, type Io } from './validate.ts';

const USAGE = `usage:
  gcp-status-poller validate [file] [--env]        check the targets file (default: TARGETS_FILE or config/targets.yaml);
                                                   --env: also that every \${VAR} and route webhook is set here
  gcp-status-poller poll [--dry-run] [--target NAME]... [--json] [--verbose]
                                                   one poll with this environment's store and Slack
  gcp-status-poller status [--json] [--filter TEXT] [--show all|unhealthy|held]
                                                   the status page's table: states, uptime, recent incidents
  gcp-status-poller test-notification [route] [--url FUNCTION_URL --token ID_TOKEN]
                                                   a test message through a route (default: default), here or
                                                   through a deployed poll function
  gcp-status-poller exec <ping-url> -- <command> [args...]
                                                   ping /start, run the command, ping its exit code
`;

// `gcp-status-poller status | head`: a reader that stops early is no error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const io: Io = {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === 'exec') {
    const [pingUrl, separator, command, ...args] = rest;
    if (!pingUrl || separator !== '--' || !command) return usage();
    return execWithPings({ pingUrl, command, args });
  }
  if (verb === 'validate') {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { env: { type: 'boolean' } },
      allowPositionals: true,
    });
    if (positionals.length > 1) return usage();
    const file = positionals[0] ?? (process.env['TARGETS_FILE']?.trim() || 'config/targets.yaml');
    return validate(file, { env: values.env ?? false }, io);
  }
  if (verb === 'poll') {
    const { values } = parseArgs({
      args: rest,
      options: {
        'dry-run': { type: 'boolean' },
        target: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
      },
    });
    return pollFromTerminal(
      {
        dryRun: values['dry-run'] ?? false,
        targets: values.target ?? [],
        json: values.json ?? false,
        verbose: values.verbose ?? false,
      },
      io,
    );
  }
  if (verb === 'status') {
    const { values } = parseArgs({
      args: rest,
      options: { json: { type: 'boolean' }, filter: { type: 'string' }, show: { type: 'string' } },
    });
    const show = values.show ?? 'all';
    if (show !== 'all' && show !== 'unhealthy' && show !== 'held') return usage();
    return statusFromTerminal({ json: values.json ?? false, filter: { q: values.filter ?? '', show } }, io);
  }
  if (verb === 'test-notification') {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { url: { type: 'string' }, token: { type: 'string' } },
      allowPositionals: true,
    });
    if (positionals.length > 1) return usage();
    const remote = values.url === undefined ? undefined : { url: values.url, token: values.token };
    return testNotification(positionals[0] ?? 'default', remote, io);
  }
  return usage(verb === undefined || verb === '--help' || verb === 'help' ? 0 : 2);
}

function usage(code = 2): number {
  (code === 0 ? process.stdout : process.stderr).write(USAGE);
  return code;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // parseArgs says what was wrong with the arguments; anything else is a bug worth its stack.
  if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${error.message}\n${USAGE}`);
    process.exitCode = 2;
  } else throw error;
}
