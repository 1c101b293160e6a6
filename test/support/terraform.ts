import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';

type Block = Record<string, unknown>;
/** hcl2json's shape: `{ resource: { TYPE: { NAME: [body] } }, variable: { NAME: [body] } }`. */
export interface Module {
  resource: Record<string, Record<string, Block[]>>;
  data: Record<string, Record<string, Block[]>>;
  variable: Record<string, Block[]>;
  output: Record<string, Block[]>;
  locals: Block[];
  /** Every .tf file's text, for checks on the whole module. */
  text: string;
}

/** Parses every .tf file of the module with the HCL parser Terraform itself uses (through WASM). */
export async function loadModule(dir: string): Promise<Module> {
  const module: Module = { resource: {}, data: {}, variable: {}, output: {}, locals: [], text: '' };
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.tf')).sort()) {
    const text = await readFile(join(dir, file), 'utf8');
    module.text += text;
    const parsed = (await parse(file, text)) as Partial<Module> & { locals?: Block[] };
    for (const [type, byName] of Object.entries(parsed.resource ?? {}))
      Object.assign((module.resource[type] ??= {}), byName);
    for (const [type, byName] of Object.entries(parsed.data ?? {}))
      Object.assign((module.data[type] ??= {}), byName);
    Object.assign(module.variable, parsed.variable ?? {});
    Object.assign(module.output, parsed.output ?? {});
    module.locals.push(...(parsed.locals ?? []));
  }
  return module;
}

/** The body of one resource, failing the test when it does not exist. */
export function resource(module: Module, type: string, name: string): Block {
  const body = module.resource[type]?.[name]?.[0];
  if (!body) throw new Error(`no resource ${type}.${name} in the module`);
  return body;
}

/** The first nested block of that name (`service_config`, `oidc_token`…). */
export function block(parent: Block, name: string): Block {
  const found = (parent[name] as Block[] | undefined)?.[0];
  if (!found) throw new Error(`no ${name} block`);
  return found;
}

/**
 * The environment a function of the module is deployed with, by name: its plain variables as
 * declared (`${var.x}` replaced by the variable's default, or by `values[x]`) and the names of its
 * secret variables, read from the locals its `service_config` points at (for a `merge(local.x,
 * { NODE_OPTIONS = … })`, the local's: V8's flags are not what a test starts the function with).
 */
export function declaredEnvironment(
  module: Module,
  functionName: string,
  values: Record<string, string>,
): { plain: Record<string, string>; secrets: string[]; routeSecrets: boolean } {
  const service = block(resource(module, 'google_cloudfunctions2_function', functionName), 'service_config');
  const localName = (expression: unknown) => /^\$\{local\.(\w+)\}$/.exec(String(expression))?.[1];
  const local = (name: string | undefined) =>
    module.locals.find((l) => name !== undefined && name in l)?.[name ?? ''];
  const plainLocal =
    localName(service['environment_variables']) ??
    /^\$\{merge\(local\.(\w+), \{ NODE_OPTIONS = [^}]*\}\)\}$/.exec(
      String(service['environment_variables']),
    )?.[1];
  if (!plainLocal)
    throw new Error(
      `${functionName}: environment_variables is not one local: ${String(service['environment_variables'])}`,
    );
  const variable = (name: string) => values[name] ?? module.variable[name]?.[0]?.['default'];
  const resolve = (value: string): string => {
    // `${local.x.NAME}`: another local's entry, resolved in turn.
    const entry = /^\$\{local\.(\w+)\.(\w+)\}$/.exec(value);
    if (entry) return resolve((local(entry[1]) as Record<string, string>)[entry[2] ?? ''] ?? '');
    // `${var.x ? "a" : "b"}`, for a bool.
    const choice = /^\$\{var\.(\w+) \? "([^"]*)" : "([^"]*)"\}$/.exec(value);
    if (choice) return String(variable(choice[1] ?? '')) === 'true' ? (choice[2] ?? '') : (choice[3] ?? '');
    // `${var.x}`, or `${var.x == null ? "" : var.x}` for an optional one.
    const name = /^\$\{var\.(\w+)(?: == null \? "" : var\.\1)?\}$/.exec(value)?.[1];
    if (!name) return value;
    const declared = variable(name);
    return typeof declared === 'string' ? declared : '';
  };
  const plain = Object.fromEntries(
    Object.entries(local(plainLocal) as Record<string, string>).map(([name, value]) => [
      name,
      resolve(value),
    ]),
  );
  // A function with no secret has no dynamic block.
  if (service['dynamic'] === undefined) return { plain, secrets: [], routeSecrets: false };
  const dynamic = block(service['dynamic'] as Record<string, unknown>, 'secret_environment_variables');
  const secretLocal = localName(dynamic['for_each']);
  const expression = String(local(secretLocal));
  return {
    plain,
    secrets: [...expression.matchAll(/\b([A-Z_][A-Z0-9_]*) = var\./g)].map((m) => m[1] ?? ''),
    routeSecrets: expression.includes('var.route_webhook_secret_ids'),
  };
}
