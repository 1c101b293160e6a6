/** `${VAR}` → the variable's value; `$${` escapes a literal `${`. Each unset variable is reported. */
export function expandVariables(
  value: string,
  env: NodeJS.ProcessEnv,
  missing: (variable: string) => void,
): string {
  return value.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, variable: string) => {
    if (match.startsWith('$$')) return match.slice(1);
    const found = env[variable];
    if (found === undefined) missing(variable);
    return found ?? '';
  });
}
