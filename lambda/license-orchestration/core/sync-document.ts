// The SSM Command document that replaces a product's named-user list on the license server.
// Its parameters are validated by allowedPattern and reach the script only as environment
// variables (interpolationType ENV_VAR gives SSM_<name>); the script never contains {{ }}, so no
// parameter value is ever pasted into a shell line. The per-product commands come from config
// (operators' text), never from events, and are carried base64-encoded, so they are data to the
// script until their own bash runs them.

/** Prefix of the users parameter, so an empty list is a non-empty value (`users:`). */
export const USERS_PREFIX = 'users:';
/** Largest users parameter (bytes) the sync sends; a longer list fails the sync loudly instead of being cut. */
export const MAX_USERS_PARAMETER_LENGTH = 32_000;
/**
 * SSM's limit on a document's content together with the parameters given at run time (CreateDocument:
 * 64 KB, including the content specified for input parameters at runtime).
 */
export const MAX_DOCUMENT_AND_PARAMETERS_BYTES = 64 * 1024;
/** Room kept for the parameters' names and JSON framing, which SSM may count too. */
const PARAMETER_FRAMING_BYTES = 256;
/** Where the license server keeps the last applied version of each product and its lock. */
export const SERVER_STATE_DIR = '/var/lib/license-orchestration';
/** Minimum SSM Agent version that supports environment-variable interpolation. */
export const MIN_AGENT_VERSION = '3.3.2746.0';

export interface SyncDocumentProduct {
  readonly name: string;
  readonly command: string;
}

export interface SyncDocumentOptions {
  readonly products: readonly SyncDocumentProduct[];
  /** The user-ID pattern (`^...$`, matched against a whole ID). */
  readonly userIdPattern: string;
  /** Execution timeout of the script on the server. */
  readonly executionTimeoutSeconds: number;
}

export function productParameterPattern(products: readonly { name: string }[]): string {
  return `^(${products.map((p) => p.name).join('|')})$`;
}

/** The user-ID pattern without its outer `^` and `$`, to be embedded in a list pattern. */
export function userIdPatternBody(userIdPattern: string): string {
  return userIdPattern.startsWith('^') && userIdPattern.endsWith('$') ? userIdPattern.slice(1, -1) : userIdPattern;
}

export function usersParameterPattern(userIdPattern: string): string {
  const id = userIdPatternBody(userIdPattern);
  return `^${USERS_PREFIX}((${id})(,(${id}))*)?$`;
}

export const VERSION_PARAMETER_PATTERN = '^[0-9]{1,15}$';

/** The users parameter value for a list of user IDs (sorted, so equal lists give equal values). */
export function encodeUsers(users: readonly string[]): string {
  return `${USERS_PREFIX}${[...users].sort().join(',')}`;
}

export function decodeUsers(value: string): string[] {
  if (!value.startsWith(USERS_PREFIX)) throw new Error(`users parameter does not start with ${USERS_PREFIX}`);
  const list = value.slice(USERS_PREFIX.length);
  return list === '' ? [] : list.split(',');
}

/** Single-quotes a string for a POSIX shell `case` pattern (config text only). */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A product command as the script carries it: base64 (only A-Z a-z 0-9 + / =), so no command text
 * (a newline and `;;`, a here-document, an unbalanced quote) can change the script's structure.
 */
export function encodeCommand(command: string): string {
  return Buffer.from(command, 'utf8').toString('base64');
}

/** The script's lines. Everything variable is read from SSM_* environment variables, quoted. */
export function syncScript(products: readonly SyncDocumentProduct[]): string[] {
  return [
    'set -eu',
    'if [ -z "${SSM_product:-}" ] || [ -z "${SSM_users:-}" ] || [ -z "${SSM_version:-}" ]; then',
    `  echo "license-orchestration: SSM_product, SSM_users or SSM_version is not set: SSM Agent ${MIN_AGENT_VERSION} or later is required" >&2`,
    '  exit 2',
    'fi',
    // Overridable only by the server's own environment (for a dry run), never by a parameter.
    `state_dir=\${LICENSE_ORCHESTRATION_STATE_DIR:-${SERVER_STATE_DIR}}`,
    'install -d -m 700 "$state_dir"',
    '# One update per product at a time, even if an earlier command is still running.',
    'exec 9>"$state_dir/$SSM_product.lock"',
    'flock -w 300 9',
    'last=0',
    'if [ -f "$state_dir/$SSM_product.version" ]; then last=$(cat "$state_dir/$SSM_product.version"); fi',
    '# A late, older list must never overwrite a newer one.',
    'if [ "$SSM_version" -lt "$last" ]; then',
    '  echo "license-orchestration: $SSM_product version $SSM_version is older than the applied version $last: skipped"',
    '  exit 0',
    'fi',
    'LICENSE_USERS_FILE=$(mktemp)',
    `trap 'rm -f "$LICENSE_USERS_FILE"' EXIT`,
    `LICENSE_USERS=\${SSM_users#${USERS_PREFIX}}`,
    'if [ -n "$LICENSE_USERS" ]; then printf \'%s\\n\' "$LICENSE_USERS" | tr \',\' \'\\n\' > "$LICENSE_USERS_FILE"; fi',
    'LICENSE_PRODUCT=$SSM_product',
    'LICENSE_VERSION=$SSM_version',
    'export LICENSE_PRODUCT LICENSE_USERS LICENSE_USERS_FILE LICENSE_VERSION',
    '# Each command is decoded and run by its own bash (with -eu, as the script), so it is data here.',
    'case "$SSM_product" in',
    ...products.flatMap((p) => [
      `  ${shellQuote(p.name)})`,
      `    command_base64='${encodeCommand(p.command)}'`,
      '    ;;',
    ]),
    '  *)',
    '    echo "license-orchestration: no command configured for product $SSM_product" >&2',
    '    exit 3',
    '    ;;',
    'esac',
    'command=$(printf \'%s\' "$command_base64" | base64 -d)',
    'bash -eu -c "$command" license-sync',
    'printf \'%s\\n\' "$SSM_version" > "$state_dir/$SSM_product.version"',
    'echo "license-orchestration: applied $SSM_product version $SSM_version ($(wc -l < "$LICENSE_USERS_FILE") users)"',
  ];
}

/** Size of the document content as JSON (how SSM receives it). */
export function documentBytes(content: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(content), 'utf8');
}

/**
 * Bytes left under SSM's 64 KB for document plus run-time parameters when the sync sends its largest
 * parameters (a full user list, the longest product name, a 15-digit version); negative when a
 * full list could not be sent.
 */
export function parameterRoomBytes(content: Record<string, unknown>, products: readonly { name: string }[]): number {
  const longestProduct = Math.max(...products.map((p) => Buffer.byteLength(p.name, 'utf8')));
  const largestParameters = MAX_USERS_PARAMETER_LENGTH + longestProduct + 15 + PARAMETER_FRAMING_BYTES;
  return MAX_DOCUMENT_AND_PARAMETERS_BYTES - documentBytes(content) - largestParameters;
}

/** The document content (schema 2.2), as CloudFormation's AWS::SSM::Document takes it. */
export function buildSyncDocument(options: SyncDocumentOptions): Record<string, unknown> {
  return {
    schemaVersion: '2.2',
    description:
      "Replaces a product's named-user list on the license server (floating-license orchestration). " +
      `Parameters arrive as SSM_* environment variables; needs SSM Agent ${MIN_AGENT_VERSION} or later.`,
    parameters: {
      product: {
        type: 'String',
        description: 'The licensed product whose user list is replaced.',
        allowedPattern: productParameterPattern(options.products),
        interpolationType: 'ENV_VAR',
      },
      users: {
        type: 'String',
        description: `"${USERS_PREFIX}" followed by the complete comma-separated list of user IDs (may be empty).`,
        allowedPattern: usersParameterPattern(options.userIdPattern),
        interpolationType: 'ENV_VAR',
      },
      version: {
        type: 'String',
        description: 'Version of the list; an older version than the last applied one is skipped.',
        allowedPattern: VERSION_PARAMETER_PATTERN,
        interpolationType: 'ENV_VAR',
      },
    },
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: 'replaceNamedUsers',
        precondition: { StringEquals: ['platformType', 'Linux'] },
        inputs: {
          timeoutSeconds: String(options.executionTimeoutSeconds),
          runCommand: syncScript(options.products),
        },
      },
    ],
  };
}
