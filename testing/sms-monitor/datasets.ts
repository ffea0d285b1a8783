// Registration data for the local API server: large deterministic sets with every status, sets
// with hostile strings in every field the report shows, and a small realistic example.
import { seededRandom } from '../shared/seeded-random';
import type { FakeRegistration, FakeVersion } from './fake-sms-api';

export const ACCOUNT = '111111111111';

/** Every status the API documents, plus one it might add later. */
export const ALL_STATUSES = [
  'CREATED',
  'SUBMITTED',
  'AWS_REVIEWING',
  'REVIEWING',
  'REQUIRES_AUTHENTICATION',
  'PROVISIONING',
  'COMPLETE',
  'REQUIRES_UPDATES',
  'CLOSED',
  'DELETED',
  'SUSPENDED_FOR_AUDIT',
] as const;

const TYPES = [
  'US_TEN_DLC_BRAND_REGISTRATION',
  'US_TEN_DLC_BRAND_VETTING',
  'US_TEN_DLC_CAMPAIGN_REGISTRATION',
  'US_TOLL_FREE_REGISTRATION',
  'US_SHORT_CODE_REGISTRATION',
  'CA_SHORT_CODE_REGISTRATION',
  'SG_SENDER_ID_REGISTRATION',
  'UK_LONG_CODE_REGISTRATION',
];

/** Strings that would run script, break out of attributes or templates, or forge lines if not handled. */
export const HOSTILE = {
  script: '<script>window.__pwned=1</script>',
  img: '"><img src=x onerror="window.__pwned=1">',
  quote: "' onmouseover='window.__pwned=1' x='",
  template: '{{constructor.constructor("window.__pwned=1")()}}',
  jsLink: 'javascript:window.__pwned=1',
  dataLink: 'data:text/html,<script>window.__pwned=1</script>',
  lookalike: 'https://docs.aws.amazon.com.evil.example/phish',
  creds: 'https://user:pw@docs.aws.amazon.com/x',
  bidi: 'abc\u202Egnp.exe',
  lines: 'x\r\nBcc: attacker@example.com',
} as const;
export const HOSTILE_VALUES: readonly string[] = Object.values(HOSTILE);

export interface GenerateOptions {
  readonly region: string;
  readonly count: number;
  readonly seed?: number;
  /** Share of registrations that need a version look-up (REQUIRES_UPDATES or COMPLETE). */
  readonly lookupShare?: number;
  /** Statuses to spread the rest over; default every status but those two. */
  readonly otherStatuses?: readonly string[];
  /** The "now" of the data set (epoch seconds). */
  readonly now?: number;
  /** ID prefix, so Regions do not share IDs. */
  readonly idPrefix?: string;
}

/**
 * `count` registrations: `lookupShare` of them split between REQUIRES_UPDATES (with a denied
 * version) and COMPLETE (with an approved version), the rest spread evenly over the other statuses.
 */
export function generateRegistrations(options: GenerateOptions): FakeRegistration[] {
  const rnd = seededRandom(options.seed ?? 1);
  const now = options.now ?? Math.floor(Date.UTC(2025, 5, 2, 9, 0, 0) / 1000);
  const lookups = Math.round(options.count * (options.lookupShare ?? 0.3));
  const others = options.otherStatuses ?? ALL_STATUSES.filter((s) => s !== 'REQUIRES_UPDATES' && s !== 'COMPLETE');
  const out: FakeRegistration[] = [];
  for (let i = 0; i < options.count; i++) {
    const status = i < lookups ? (i % 2 === 0 ? 'REQUIRES_UPDATES' : 'COMPLETE') : others[i % others.length];
    const id = `registration-${options.idPrefix ?? options.region.replace(/-/g, '')}${String(i).padStart(6, '0')}`;
    const created = now - Math.floor(rnd() * 200 * 86_400) - 86_400;
    out.push(registration({ region: options.region, id, status, type: TYPES[i % TYPES.length], created, rnd }));
  }
  return out;
}

function registration(p: {
  region: string;
  id: string;
  status: string;
  type: string;
  created: number;
  rnd: () => number;
}): FakeRegistration {
  const versions: FakeVersion[] = [];
  const current = 1 + Math.floor(p.rnd() * 3);
  let approved: number | undefined;
  let denied: number | undefined;
  for (let v = 1; v <= current; v++) {
    const at = p.created + v * 3600;
    const last = v === current;
    let status = 'ARCHIVED';
    const history: Record<string, number> = { DraftTimestamp: at, SubmittedTimestamp: at + 60 };
    const version: FakeVersion = {
      VersionNumber: v,
      RegistrationVersionStatus: status,
      RegistrationVersionStatusHistory: history,
    };
    if (p.status === 'REQUIRES_UPDATES' && last) {
      status = 'DENIED';
      history.DeniedTimestamp = at + 7200;
      denied = v;
      version.DeniedReasons = [
        {
          Reason: 'Opt-in workflow',
          ShortDescription: 'The opt-in description does not show how recipients consent.',
          LongDescription: 'Describe every way a recipient opts in, and include a screenshot or link.',
          DocumentationTitle: 'Registration requirements',
          DocumentationLink: 'https://docs.aws.amazon.com/sms-voice/latest/userguide/registrations.html',
        },
      ];
    } else if (p.status === 'COMPLETE' && last) {
      status = 'APPROVED';
      history.ApprovedTimestamp = at + 86_400;
      approved = v;
    } else if (!last) {
      status = 'DENIED';
      history.DeniedTimestamp = at + 1800;
      // An old denial: a version that is not the latest denied must never be shown.
      version.DeniedReasons = [{ Reason: 'STALE_REASON', ShortDescription: 'from an older version' }];
    } else {
      status = 'DRAFT';
    }
    version.RegistrationVersionStatus = status;
    versions.push(version);
  }
  return {
    RegistrationArn: `arn:aws:sms-voice:${p.region}:111111111111:registration/${p.id}`,
    RegistrationId: p.id,
    RegistrationType: p.type,
    RegistrationStatus: p.status,
    CurrentVersionNumber: current,
    ...(approved !== undefined ? { ApprovedVersionNumber: approved } : {}),
    ...(denied !== undefined ? { LatestDeniedVersionNumber: denied } : {}),
    ...(p.type === 'US_TEN_DLC_BRAND_VETTING' && p.status === 'COMPLETE'
      ? { AdditionalAttributes: { VETTING_SCORE: String(50 + Math.floor(p.rnd() * 50)) } }
      : {}),
    CreatedTimestamp: p.created,
    versions,
  };
}

/**
 * Registrations with a hostile string in every field that reaches a report: type, status, additional
 * attribute names and values, denial reasons (reason, descriptions, title, link) and feedback, and
 * the registration ID where the API would still accept look-ups for it.
 */
export function hostileRegistrations(
  region: string,
  now = Math.floor(Date.UTC(2025, 5, 2, 9) / 1000),
): FakeRegistration[] {
  const out: FakeRegistration[] = [];
  HOSTILE_VALUES.forEach((h, i) => {
    // IDs: the API would reject these in a request, so they sit on statuses that need no look-up.
    out.push({
      RegistrationArn: `arn:aws:sms-voice:${region}:111111111111:registration/${h}`,
      RegistrationId: h,
      RegistrationType: h,
      RegistrationStatus: i % 2 === 0 ? 'CREATED' : h,
      CurrentVersionNumber: 1,
      AdditionalAttributes: { [h]: h, NOTE: h },
      CreatedTimestamp: now - 86_400 * (i + 1),
      versions: [],
    });
    const id = `registration-hostile${String(i).padStart(4, '0')}`;
    out.push({
      RegistrationArn: `arn:aws:sms-voice:${region}:111111111111:registration/${id}`,
      RegistrationId: id,
      RegistrationType: h,
      RegistrationStatus: 'REQUIRES_UPDATES',
      CurrentVersionNumber: 2,
      LatestDeniedVersionNumber: 2,
      AdditionalAttributes: { [h]: h },
      CreatedTimestamp: now - 86_400 * (i + 1),
      versions: [
        {
          VersionNumber: 1,
          RegistrationVersionStatus: 'DISCARDED',
          RegistrationVersionStatusHistory: { DraftTimestamp: now - 9000 },
        },
        {
          VersionNumber: 2,
          RegistrationVersionStatus: 'DENIED',
          RegistrationVersionStatusHistory: { DraftTimestamp: now - 8000, DeniedTimestamp: now - 3600 },
          DeniedReasons: [
            { Reason: h, ShortDescription: h, LongDescription: h, DocumentationTitle: h, DocumentationLink: h },
          ],
          Feedback: h,
        },
      ],
    });
  });
  return out;
}

/** A small realistic account for the documentation screenshot and the local command's demo. */
export function exampleRegistrations(
  region: string,
  now = Math.floor(Date.UTC(2025, 5, 2, 9) / 1000),
): FakeRegistration[] {
  const day = 86_400;
  const base = (
    id: string,
    type: string,
    status: string,
    createdDaysAgo: number,
    extra: Partial<FakeRegistration> = {},
  ): FakeRegistration => ({
    RegistrationArn: `arn:aws:sms-voice:${region}:111111111111:registration/${id}`,
    RegistrationId: id,
    RegistrationType: type,
    RegistrationStatus: status,
    CurrentVersionNumber: 1,
    CreatedTimestamp: now - createdDaysAgo * day,
    versions: [
      {
        VersionNumber: 1,
        RegistrationVersionStatus: status === 'COMPLETE' ? 'APPROVED' : 'DRAFT',
        RegistrationVersionStatusHistory: {
          DraftTimestamp: now - createdDaysAgo * day,
          ...(status === 'COMPLETE' ? { ApprovedTimestamp: now - Math.max(1, createdDaysAgo - 10) * day } : {}),
        },
      },
    ],
    ...extra,
  });
  const suffix = region === 'us-east-1' ? 'e1' : 'w2';
  if (region !== 'us-east-1') {
    return [
      base(`registration-7c1d0a${suffix}`, 'US_TOLL_FREE_REGISTRATION', 'REVIEWING', 9),
      base(`registration-55ab10${suffix}`, 'US_TOLL_FREE_REGISTRATION', 'COMPLETE', 14, { ApprovedVersionNumber: 1 }),
      base(`registration-9e2f41${suffix}`, 'SG_SENDER_ID_REGISTRATION', 'REQUIRES_AUTHENTICATION', 3),
      base(`registration-0b77c3${suffix}`, 'US_SHORT_CODE_REGISTRATION', 'SUBMITTED', 2),
    ];
  }
  return [
    base(`registration-4f0e8b${suffix}`, 'US_TEN_DLC_CAMPAIGN_REGISTRATION', 'REQUIRES_UPDATES', 21, {
      CurrentVersionNumber: 2,
      LatestDeniedVersionNumber: 2,
      versions: [
        {
          VersionNumber: 1,
          RegistrationVersionStatus: 'DISCARDED',
          RegistrationVersionStatusHistory: { DraftTimestamp: now - 21 * day },
        },
        {
          VersionNumber: 2,
          RegistrationVersionStatus: 'DENIED',
          RegistrationVersionStatusHistory: { DraftTimestamp: now - 12 * day, DeniedTimestamp: now - 2 * day },
          DeniedReasons: [
            {
              Reason: 'Call to action',
              ShortDescription: 'The opt-in workflow does not show where recipients consent to messages.',
              LongDescription: 'Add the web form or keyword flow recipients use, with the disclosure text they see.',
              DocumentationTitle: '10DLC campaign requirements',
              DocumentationLink: 'https://docs.aws.amazon.com/sms-voice/latest/userguide/registrations-10dlc.html',
            },
            {
              Reason: 'Sample messages',
              ShortDescription: 'Sample messages must name the brand and show opt-out language.',
            },
          ],
        },
      ],
    }),
    base(`registration-a310c2${suffix}`, 'US_TEN_DLC_BRAND_REGISTRATION', 'CREATED', 5),
    base(`registration-d4c9e1${suffix}`, 'US_TEN_DLC_BRAND_REGISTRATION', 'COMPLETE', 40, { ApprovedVersionNumber: 1 }),
    base(`registration-c8e211${suffix}`, 'US_TEN_DLC_BRAND_VETTING', 'COMPLETE', 6, {
      ApprovedVersionNumber: 1,
      AdditionalAttributes: { VETTING_SCORE: '75' },
    }),
    base(`registration-61fa07${suffix}`, 'US_TEN_DLC_CAMPAIGN_REGISTRATION', 'AWS_REVIEWING', 1),
    base(`registration-e2b7aa${suffix}`, 'US_TOLL_FREE_REGISTRATION', 'CLOSED', 90),
  ];
}
