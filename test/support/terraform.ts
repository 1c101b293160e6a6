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
