import * as z from 'zod';
import { accountId, boundedDuration, durationOfCount, region } from './common';
import {
  commandTimeoutSeconds,
  productName,
  productSeats,
  readerRoleName,
  tagKey,
  workbenchTypes,
  userIdPattern,
} from './license-orchestration-fields';
import { bashSyntaxProblem } from './shell-syntax';
import {
  organizationalUnitId,
  organizationId,
  stackSetAdmin,
  stackSetCallAs,
  stackSetName,
  stackSetOperationPreferences,
} from './stack-set';

/** How often a scheduled run happens: whole minutes, as an EventBridge rate takes them. */
const interval = (max: string) => boundedDuration({ min: 'PT1M', max, unit: 'PT1M' });

const product = z.strictObject({
  /** Product name, for example `cad-suite`. */
  name: productName,
  seats: productSeats,
  /**
   * The command line the license server runs to replace the product's named-user list. It reads the
   * list from `LICENSE_USERS_FILE` (one user per line) or `LICENSE_USERS` (comma-separated).
   */
  command: z
    .string()
    .min(1)
    .max(4000)
    .refine((c) => !c.includes('{{'), {
      message: 'expected a command without {{ }} (SSM would interpolate it; read the LICENSE_* variables instead)',
    })
    .superRefine((command, ctx) => {
      const control = /[\u0000-\u0008\u000b-\u001f\u007f]/.exec(command);
      const problem = control
        ? `it contains the control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`
        : bashSyntaxProblem(command);
      if (problem !== undefined) {
        ctx.addIssue({ code: 'custom', message: `expected a command bash can parse, but ${problem}`, input: command });
      }
    }),
});

/**
 * The workbench stack deployed by a service-managed CloudFormation StackSet to every account of
 * some organizational units, including accounts that join them later.
 */
const workbenchStackSet = z.strictObject({
  /** Organizational units whose accounts (and those of their child OUs) get the workbench stack. */
  organizationalUnitIds: z.array(organizationalUnitId).min(1),
  /** Regions the workbench stack is deployed to in each of those accounts. */
  regions: z.array(region).min(1),
  /**
   * Where the stack that owns the StackSet deploys: the organization's management account
   * (`callAs: SELF`) or a member account registered as a StackSets delegated administrator
   * (`callAs: DELEGATED_ADMIN`). It needs CDK bootstrapping in this Region and in every Region above.
   */
  admin: stackSetAdmin,
  callAs: stackSetCallAs,
  /** Name of the StackSet (also part of the Lambda code bucket names). */
  name: stackSetName.default('license-workbench'),
  /** Keep an account's stack (as a plain stack) when the account leaves the OUs, instead of deleting it. */
  retainStacksOnAccountRemoval: z.boolean().default(false),
  operationPreferences: stackSetOperationPreferences,
});

/** The floating-license orchestration system. Absent: the system is not deployed. */
export const licenseOrchestrationConfig = z
  .strictObject({
    /** Where the central bus, ledger and sync run, and the license server instance they drive. */
    licenseServer: z.strictObject({
      account: accountId,
      region,
      /** The EC2 instance (managed by SSM) that runs the vendor's license CLI. */
      instanceId: z.string().regex(/^i-[0-9a-f]{8}([0-9a-f]{9})?$/, { message: 'expected an EC2 instance ID' }),
      /**
       * Name of the IAM role of the instance's instance profile. The stack lets it read (and
       * decrypt) handed-over user lists, which the SSM document fetches with the AWS CLI.
       */
      instanceRoleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, { message: 'expected an IAM role name' }),
    }),
    /** Accounts and Regions whose workbench instances hold licenses; one stack per account and Region. */
    workbenchAccounts: z
      .array(
        z.strictObject({
          account: accountId,
          regions: z.array(region).min(1),
        }),
      )
      .default([]),
    /**
     * Deploys the workbench stack through a service-managed StackSet to organizational units
     * instead of (or besides) one stack per listed account; needs `organizationId`.
     * @default - no StackSet
     */
    workbenchStackSet: workbenchStackSet.optional(),
    /**
     * When set, the bus accepts events from any account of this AWS Organization instead of only
     * the listed workbench accounts.
     * @default - only the listed workbench accounts
     */
    organizationId: organizationId.optional(),
    /** Name of the central event bus (a cross-account contract, so it is a fixed name). */
    busName: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,256}$/, { message: 'expected an event bus name of letters, digits and ._-' })
      .refine((n) => n !== 'default', { message: 'expected a custom bus name, not "default"' })
      .default('license-orchestration'),
    /** Names of the EC2 tags that identify a workbench and its owner. */
    tags: z
      .strictObject({
        ownerId: tagKey.default('vew:workbench:ownerId'),
        type: tagKey.default('vew:workbench:type'),
      })
      .default({ ownerId: 'vew:workbench:ownerId', type: 'vew:workbench:type' }),
    /** What a valid user ID looks like: an anchored pattern (`^...$`) of safe characters. */
    userIdPattern: userIdPattern.default('^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
    /** Licensed products. */
    products: z.array(product).min(1),
    /** Products each workbench type needs. A type may need several products; an unknown type is rejected. */
    workbenchTypes,
    sync: z
      .strictObject({
        /** Safety-net schedule: a sync cycle runs at least this often even when no change was seen. */
        interval: interval('PT1H').default('PT5M'),
        /** How long the sync waits for the license server's command before it counts as failed: whole seconds. */
        commandTimeout: durationOfCount(commandTimeoutSeconds, 'PT1S').default('PT2M'),
      })
      .default({ interval: 'PT5M', commandTimeout: 'PT2M' }),
    reconciliation: z
      .strictObject({
        /** Lists workbench instances through a read-only role and repairs the ledger. */
        enabled: z.boolean().default(true),
        /** How often a reconciliation runs. */
        interval: interval('P1D').default('PT1H'),
        readerRoleName: readerRoleName.default('license-orchestration-reader'),
      })
      .default({ enabled: true, interval: 'PT1H', readerRoleName: 'license-orchestration-reader' }),
    /** How long the bus archive keeps events for replay, in whole days (PT0S keeps them forever, as EventBridge's 0 days does). */
    archiveRetention: boundedDuration({ min: 'PT0S', max: 'P3650D', unit: 'P1D' }).default('P30D'),
    /** Records every read and write of the ledger table in a CloudTrail trail (data events cost extra). */
    cloudTrailDataEvents: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    const names = new Set<string>();
    c.products.forEach((p, i) => {
      if (names.has(p.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['products', i, 'name'],
          message: `expected a unique product name ("${p.name}" is listed twice)`,
          input: p.name,
        });
      }
      names.add(p.name);
    });
    for (const [type, products] of Object.entries(c.workbenchTypes)) {
      products.forEach((p, i) => {
        if (!names.has(p)) {
          ctx.addIssue({
            code: 'custom',
            path: ['workbenchTypes', type, i],
            message: `expected one of the products (${[...names].join(', ')})`,
            input: p,
          });
        }
      });
    }
    if (c.workbenchAccounts.length === 0 && !c.workbenchStackSet) {
      ctx.addIssue({
        code: 'custom',
        path: ['workbenchAccounts'],
        message: 'expected at least one workbench account (or a workbenchStackSet)',
        input: c.workbenchAccounts,
      });
    }
    if (c.workbenchStackSet && !c.organizationId) {
      ctx.addIssue({
        code: 'custom',
        path: ['organizationId'],
        message: 'expected the AWS Organizations ID when workbenchStackSet is set (the bus accepts its OUs by path)',
        input: c.organizationId,
      });
    }
    for (const key of ['organizationalUnitIds', 'regions'] as const) {
      const list = c.workbenchStackSet?.[key] ?? [];
      if (new Set(list).size !== list.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['workbenchStackSet', key],
          message: 'expected each value once',
          input: list,
        });
      }
    }
    const accounts = new Set<string>();
    c.workbenchAccounts.forEach((w, i) => {
      if (accounts.has(w.account)) {
        ctx.addIssue({
          code: 'custom',
          path: ['workbenchAccounts', i, 'account'],
          message: 'expected each workbench account once (list its Regions under regions)',
          input: w.account,
        });
      }
      accounts.add(w.account);
      if (new Set(w.regions).size !== w.regions.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['workbenchAccounts', i, 'regions'],
          message: 'expected each Region once',
          input: w.regions,
        });
      }
    });
    if (Object.keys(c.workbenchTypes).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['workbenchTypes'],
        message: 'expected at least one workbench type',
        input: c.workbenchTypes,
      });
    }
  });
export type LicenseOrchestrationConfig = z.infer<typeof licenseOrchestrationConfig>;
