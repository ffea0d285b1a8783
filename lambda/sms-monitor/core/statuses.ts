/** What the report knows about a registration status. */
export interface StatusInfo {
  /** The API value, or `UNKNOWN` for the bucket of values this code does not know yet. */
  readonly code: string;
  readonly label: string;
  /** What it means for the reader, and what to do. */
  readonly description: string;
  /** Someone must act (fix, authenticate, submit, delete). */
  readonly actionNeeded: boolean;
  /** CSS class suffix; only these fixed values reach the HTML. */
  readonly tone: 'action' | 'unknown' | 'progress' | 'done' | 'gone';
}

/**
 * Every status the API documents, in report order: what needs action first, then the unknown
 * bucket (someone should look), then work in progress, then what is settled.
 */
export const STATUSES: readonly StatusInfo[] = [
  {
    code: 'REQUIRES_UPDATES',
    label: 'Requires updates',
    description: 'Denied: fix the registration and resubmit it.',
    actionNeeded: true,
    tone: 'action',
  },
  {
    code: 'REQUIRES_AUTHENTICATION',
    label: 'Requires authentication',
    description: 'Complete the email authentication AWS sent for this registration.',
    actionNeeded: true,
    tone: 'action',
  },
  {
    code: 'CLOSED',
    label: 'Closed',
    description: 'The phone number or sender ID was deleted: delete the registration as well.',
    actionNeeded: true,
    tone: 'action',
  },
  {
    code: 'CREATED',
    label: 'Created, not submitted',
    description: 'A draft: complete it and submit it for review.',
    actionNeeded: true,
    tone: 'action',
  },
  {
    code: 'UNKNOWN',
    label: 'Unknown status',
    description: 'A status this monitor does not know yet: check the registration in the console.',
    actionNeeded: true,
    tone: 'unknown',
  },
  {
    code: 'SUBMITTED',
    label: 'Submitted',
    description: 'Submitted and waiting for review.',
    actionNeeded: false,
    tone: 'progress',
  },
  {
    code: 'AWS_REVIEWING',
    label: 'AWS reviewing',
    description: 'AWS is reviewing the registration.',
    actionNeeded: false,
    tone: 'progress',
  },
  {
    code: 'REVIEWING',
    label: 'Reviewing',
    description: 'Accepted and under review; it cannot be changed meanwhile.',
    actionNeeded: false,
    tone: 'progress',
  },
  {
    code: 'PROVISIONING',
    label: 'Provisioning',
    description: 'Approved; the origination identity is being created.',
    actionNeeded: false,
    tone: 'progress',
  },
  {
    code: 'COMPLETE',
    label: 'Complete',
    description: 'Approved; the origination identity exists.',
    actionNeeded: false,
    tone: 'done',
  },
  {
    code: 'DELETED',
    label: 'Deleted',
    description: 'The registration was deleted.',
    actionNeeded: false,
    tone: 'gone',
  },
];

const BY_CODE = new Map(STATUSES.filter((s) => s.code !== 'UNKNOWN').map((s) => [s.code, s]));
export const UNKNOWN_STATUS = STATUSES.find((s) => s.code === 'UNKNOWN') as StatusInfo;

/** The status's info, or the unknown bucket for a value the API added later (or garbage). */
export function statusInfo(apiValue: string | undefined): StatusInfo {
  return (apiValue !== undefined && BY_CODE.get(apiValue)) || UNKNOWN_STATUS;
}

/** The report's position of a status (lower first). */
export function statusOrder(info: StatusInfo): number {
  return STATUSES.indexOf(info);
}
