// The SSM Command document that replaces a product's named-user list on the license server.
// Its parameters are validated by allowedPattern and reach the script only as environment
// variables (interpolationType ENV_VAR gives SSM_<name>); the script never contains {{ }}, so no
// parameter value is ever pasted into a shell line. The per-product commands come from config
// (operators' text), never from events, and are carried base64-encoded, so they are data to the
// script until their own bash runs them. A list too long for the users parameter is handed over
// as an S3 object (KMS-encrypted) that the script reads with the AWS CLI through the instance's
// role and checks against a sha256 given as a parameter before the product command sees it.

/** Prefix of the users parameter, so an empty list is a non-empty value (`users:`). */
export const USERS_PREFIX = 'users:';
/** Largest users parameter (bytes) the sync sends; a longer list is handed over as an S3 object. */
export const MAX_USERS_PARAMETER_LENGTH = 32_000;
/** Key prefix of handed-over user lists in the user-list bucket (the only prefix either side may use). */
export const USER_LISTS_PREFIX = 'user-lists/';
const VERSION_DIGITS = 15;
const SHA256_HEX_LENGTH = 64;
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

/** Where handed-over user lists are read from (baked into the script, never a parameter). */
export interface UserListLocation {
  readonly bucket: string;
  readonly region: string;
}

export interface SyncDocumentOptions {
  readonly products: readonly SyncDocumentProduct[];
  readonly userLists: UserListLocation;
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

export const VERSION_PARAMETER_PATTERN = `^[0-9]{1,${VERSION_DIGITS}}$`;
export const USERS_SHA256_PARAMETER_PATTERN = `^([0-9a-f]{${SHA256_HEX_LENGTH}})?$`;

/** Key of a handed-over list: per product and version, named by its content's sha256. */
export function userListKey(product: string, version: number, sha256: string): string {
  return `${USER_LISTS_PREFIX}${product}/${version}-${sha256}`;
}

export function usersObjectParameterPattern(products: readonly { name: string }[]): string {
  const names = products.map((p) => p.name).join('|');
  return `^(${USER_LISTS_PREFIX}(${names})/[0-9]{1,${VERSION_DIGITS}}-[0-9a-f]{${SHA256_HEX_LENGTH}})?$`;
}

/** A handed-over list's content: the sorted user IDs, one per line (what LICENSE_USERS_FILE holds). */
export function encodeUserListObject(users: readonly string[]): string {
  return [...users]
    .sort()
    .map((u) => `${u}\n`)
    .join('');
}

/** The users parameter value for a list of user IDs (sorted, so equal lists give equal values). */
export function encodeUsers(users: readonly string[]): string {
  return `${USERS_PREFIX}${[...users].sort().join(',')}`;
}

export function decodeUsers(value: string): string[] {
  if (!value.startsWith(USERS_PREFIX)) throw new Error(`users parameter does not start with ${USERS_PREFIX}`);
  const list = value.slice(USERS_PREFIX.length);
  return list === '' ? [] : list.split(',');
}

/** Single-quotes a string for a POSIX shell (config and stack values only). */
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
export function syncScript(products: readonly SyncDocumentProduct[], userLists: UserListLocation): string[] {
  const bucket = shellQuote(userLists.bucket);
  const region = shellQuote(userLists.region);
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
    'if [ -n "${SSM_usersObject:-}" ]; then',
    `  if [ "$SSM_users" != '${USERS_PREFIX}' ] || [ -z "\${SSM_usersSha256:-}" ]; then`,
    `    echo "license-orchestration: usersObject needs users '${USERS_PREFIX}' and usersSha256" >&2`,
    '    exit 2',
    '  fi',
    '  # Read through the instance profile; the object is KMS-encrypted and decrypted by S3.',
    `  if ! aws s3api get-object --region ${region} --bucket ${bucket} --key "$SSM_usersObject" "$LICENSE_USERS_FILE" > /dev/null; then`,
    `    echo "license-orchestration: could not read s3://"${bucket}"/$SSM_usersObject with the AWS CLI" >&2`,
    '    exit 4',
    '  fi',
    '  actual_sha256=$(sha256sum "$LICENSE_USERS_FILE" | cut -d " " -f 1)',
    '  if [ "$actual_sha256" != "$SSM_usersSha256" ]; then',
    '    echo "license-orchestration: $SSM_usersObject has sha256 $actual_sha256, not $SSM_usersSha256: refused" >&2',
    '    exit 5',
    '  fi',
    '  # Too long for one environment variable: a command that reads it fails (bash -u) instead of seeing a cut list.',
    '  unset LICENSE_USERS',
    'else',
    `  LICENSE_USERS=\${SSM_users#${USERS_PREFIX}}`,
    '  if [ -n "$LICENSE_USERS" ]; then printf \'%s\\n\' "$LICENSE_USERS" | tr \',\' \'\\n\' > "$LICENSE_USERS_FILE"; fi',
    'fi',
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
  // A handed-over list sends an empty users value with a key and a sha256 (a few hundred bytes), so
  // a full users parameter is the largest case.
  const largestParameters = MAX_USERS_PARAMETER_LENGTH + longestProduct + VERSION_DIGITS + PARAMETER_FRAMING_BYTES;
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
      usersObject: {
        type: 'String',
        description: `Key of the S3 object holding the list (one user per line) when it is too long for "users" (then "${USERS_PREFIX}"); empty otherwise.`,
        default: '',
        allowedPattern: usersObjectParameterPattern(options.products),
        interpolationType: 'ENV_VAR',
      },
      usersSha256: {
        type: 'String',
        description: 'sha256 (hex) of the usersObject content; the list is refused when the object differs.',
        default: '',
        allowedPattern: USERS_SHA256_PARAMETER_PATTERN,
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
          runCommand: syncScript(options.products, options.userLists),
        },
      },
    ],
  };
}
