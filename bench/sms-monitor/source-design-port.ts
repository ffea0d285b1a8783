// A TypeScript port of the source design's collection algorithm (the blog post's Lambda), kept
// only as the benchmark's baseline: one DescribeRegistrations call (the first page), then one
// DescribeRegistrationVersions call per REQUIRES_UPDATES or COMPLETE registration, one at a time.
// `paginate: true` is the same algorithm reading every page, to measure what it would cost.
import {
  DescribeRegistrationsCommand,
  DescribeRegistrationVersionsCommand,
  type PinpointSMSVoiceV2Client,
  type RegistrationInformation,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';

export interface PortResult {
  /** Registrations the algorithm saw (the four statuses it sorts, plus the rest it drops). */
  readonly seen: number;
  /** Registrations it puts in its report (REQUIRES_UPDATES, CREATED, REVIEWING, recent COMPLETE). */
  readonly reported: number;
}

export async function sourceDesignCollect(
  client: PinpointSMSVoiceV2Client,
  options: { paginate: boolean; now: Date; lookbackDays?: number },
): Promise<PortResult> {
  const lookback = options.now.getTime() - (options.lookbackDays ?? 7) * 86_400_000;
  let seen = 0;
  let reported = 0;
  let nextToken: string | undefined;
  do {
    // The source design passes no MaxResults and never follows NextToken.
    const page = await client.send(new DescribeRegistrationsCommand({ NextToken: nextToken }));
    nextToken = options.paginate ? page.NextToken : undefined;
    for (const r of page.Registrations ?? ([] as RegistrationInformation[])) {
      seen++;
      if (r.RegistrationStatus === 'REQUIRES_UPDATES') {
        await client.send(
          new DescribeRegistrationVersionsCommand({
            RegistrationId: r.RegistrationId,
            VersionNumbers: r.LatestDeniedVersionNumber ? [r.LatestDeniedVersionNumber] : undefined,
          }),
        );
        reported++;
      } else if (r.RegistrationStatus === 'CREATED' || r.RegistrationStatus === 'REVIEWING') {
        reported++;
      } else if (r.RegistrationStatus === 'COMPLETE') {
        // "The latest version" taken as the first one returned, an order the API does not document.
        const versions = await client.send(
          new DescribeRegistrationVersionsCommand({ RegistrationId: r.RegistrationId, MaxResults: 1 }),
        );
        const approved = versions.RegistrationVersions?.[0]?.RegistrationVersionStatusHistory?.ApprovedTimestamp;
        if (approved && approved.getTime() > lookback) reported++;
      }
    }
  } while (nextToken);
  return { seen, reported };
}
