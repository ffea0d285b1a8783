/** Where a stack lands. */
export interface StackEnvironment {
  /** Account ID. */
  readonly account: string;
  /** Region. */
  readonly region: string;
}

/**
 * The stable, readable name of a stack: `<system>-<role>-<account alias or ID>-<region>`, for
 * example `license-server-tools-eu-west-1`. Renaming a stack replaces it, so names depend only on
 * config values that identify where it lands.
 */
export function stackName(
  system: string,
  role: string,
  env: StackEnvironment,
  accountAliases: Readonly<Record<string, string>> = {},
): string {
  const name = [system, role, accountAliases[env.account] ?? env.account, env.region].join('-');
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name)) {
    throw new Error(
      `stack name "${name}" is not a valid CloudFormation stack name (letters, digits, hyphens, at most 128)`,
    );
  }
  return name;
}
