import {
  DescribeRegistrationVersionsCommand,
  paginateDescribeRegistrations,
  PinpointSMSVoiceV2Client,
  type RegistrationInformation,
  type RegistrationVersionInformation,
  ResourceNotFoundException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { Registration, RegistrationApi, RegistrationVersion } from '../core/ports';

/** DescribeRegistrations page size: the largest MaxResults the API takes (1 to 100). */
export const REGISTRATIONS_PAGE_SIZE = 100;

export interface SmsVoiceApiOptions {
  /**
   * Attempts per call, including the first; the SDK's adaptive retry mode backs off and slows the
   * client down on throttling.
   * @default 8
   */
  readonly maxAttempts?: number;
  /**
   * Registrations per DescribeRegistrations page (the API allows 1 to 100).
   * @default REGISTRATIONS_PAGE_SIZE
   */
  readonly pageSize?: number;
}

/**
 * The registrations API through the AWS SDK: one client per Region, created with the standard
 * configuration chain, so credentials and endpoints (AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2,
 * AWS_ENDPOINT_URL, profiles) come from the environment exactly as for any SDK client.
 */
export class SmsVoiceRegistrationApi implements RegistrationApi {
  private readonly clients = new Map<string, PinpointSMSVoiceV2Client>();

  constructor(private readonly options: SmsVoiceApiOptions = {}) {}

  private client(region: string): PinpointSMSVoiceV2Client {
    let client = this.clients.get(region);
    if (!client) {
      client = new PinpointSMSVoiceV2Client({
        region,
        // The API's rate quota is per action (Describe actions at 1 request per second by default,
        // https://docs.aws.amazon.com/sms-voice/latest/userguide/quotas.html), below the look-up
        // concurrency. Adaptive mode adds client-side rate limiting when throttled
        // (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html); standard
        // mode spends its retry quota within seconds and fails the run.
        retryMode: 'adaptive',
        maxAttempts: this.options.maxAttempts ?? 8,
      });
      this.clients.set(region, client);
    }
    return client;
  }

  async *pages(region: string, registrationIds?: readonly string[]): AsyncIterable<readonly Registration[]> {
    const pages = paginateDescribeRegistrations(
      { client: this.client(region), pageSize: this.options.pageSize ?? REGISTRATIONS_PAGE_SIZE },
      registrationIds ? { RegistrationIds: [...registrationIds] } : {},
    );
    for await (const page of pages) {
      yield (page.Registrations ?? []).map((r) => toRegistration(region, r));
    }
  }

  async version(
    region: string,
    registrationId: string,
    versionNumber: number,
  ): Promise<RegistrationVersion | undefined> {
    try {
      const out = await this.client(region).send(
        new DescribeRegistrationVersionsCommand({ RegistrationId: registrationId, VersionNumbers: [versionNumber] }),
      );
      // Match the number rather than trusting the response order, which the API does not document.
      const found = out.RegistrationVersions?.find((v) => v.VersionNumber === versionNumber);
      return found ? toVersion(found) : undefined;
    } catch (e) {
      if (e instanceof ResourceNotFoundException) return undefined;
      throw e;
    }
  }

  /** Closes the clients' connections (the local command exits cleanly). */
  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}

function toRegistration(region: string, r: RegistrationInformation): Registration {
  return {
    region,
    id: r.RegistrationId ?? '',
    arn: r.RegistrationArn ?? '',
    type: r.RegistrationType ?? '',
    status: r.RegistrationStatus ?? '',
    currentVersion: r.CurrentVersionNumber,
    approvedVersion: r.ApprovedVersionNumber,
    deniedVersion: r.LatestDeniedVersionNumber,
    createdAt: r.CreatedTimestamp,
    attributes: { ...(r.AdditionalAttributes ?? {}) },
  };
}

function toVersion(v: RegistrationVersionInformation): RegistrationVersion {
  const history = v.RegistrationVersionStatusHistory;
  return {
    versionNumber: v.VersionNumber ?? 0,
    status: v.RegistrationVersionStatus ?? '',
    approvedAt: history?.ApprovedTimestamp,
    deniedAt: history?.DeniedTimestamp,
    submittedAt: history?.SubmittedTimestamp,
    deniedReasons: (v.DeniedReasons ?? []).map((d) => ({
      reason: d.Reason ?? '',
      shortDescription: d.ShortDescription ?? '',
      longDescription: d.LongDescription,
      documentationTitle: d.DocumentationTitle,
      documentationLink: d.DocumentationLink,
    })),
    feedback: v.Feedback,
  };
}
