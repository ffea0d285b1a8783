// Metric names and service names: the handlers emit them (Powertools, embedded metric format) and
// the stacks build the dashboard and alarms on them, so both read them from here.

/** CloudWatch namespace of every metric of the system. */
export const METRICS_NAMESPACE = 'LicenseOrchestration';

/** Powertools service names (the `service` dimension of every metric). */
export const SERVICES = {
  publisher: 'license-publisher',
  ledger: 'license-ledger',
  changeDetector: 'license-change-detector',
  sync: 'license-sync',
  reconciler: 'license-reconciler',
} as const;

export const METRIC = {
  /** Publisher: events put on the central bus. */
  published: 'EventsPublished',
  /** Publisher: EC2 events of instances that are not workbenches. */
  ignored: 'EventsIgnored',
  /** Publisher and ledger: events sent to the rejected-events queue (dimension `reason`). */
  rejected: 'EventsRejected',
  /** Ledger: events that changed the ledger. */
  applied: 'EventsApplied',
  /** Ledger: duplicated, late or post-termination events that changed nothing (dimension `reason`). */
  stale: 'EventsStale',
  /** Change detector: products whose user list changed, per batch. */
  productsChanged: 'ProductsChanged',
  /** Change detector: stream records it could not read. */
  malformedRecords: 'MalformedStreamRecords',
  /** Sync: users holding the product (dimension `product`). */
  usersHolding: 'UsersHolding',
  /** Sync: seats configured for the product (dimension `product`). */
  seatsConfigured: 'SeatsConfigured',
  /** Sync: Run Commands sent (dimension `product`). */
  commandsSent: 'CommandsSent',
  /** Sync: from the first unapplied change to the recorded success, in milliseconds (dimension `product`). */
  syncLatency: 'SyncLatency',
  /** Sync: failed product syncs (service dimension only, for the alarm). */
  syncFailures: 'SyncFailures',
  /** Sync: user IDs in the ledger that fail the pattern and were left out. */
  invalidUsers: 'InvalidUsers',
  /** Reconciler: ledger repairs (dimension `kind`, and a total without it). */
  repairs: 'Repairs',
  /** Reconciler: workbench accounts/Regions it could not list. */
  scopesFailed: 'ScopesFailed',
  /** Reconciler: observed workbenches it could not judge (dimension `reason`). */
  instancesSkipped: 'InstancesSkipped',
} as const;
