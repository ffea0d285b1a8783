// Change detection: from the ledger table's stream to the products whose user list changed.
// A product's list changes only when a (product, user) holding goes from empty to non-empty or
// back; instances joining or leaving a set that stays non-empty change nothing on the server.
import type { DynamoDBRecord } from 'aws-lambda';
import { HOLDING_SK_PREFIX, PRODUCT_PK_PREFIX } from './keys';

export interface HoldingTransition {
  readonly sequenceNumber: string;
  readonly product: string;
  readonly userId: string;
  readonly heldBefore: boolean;
  readonly heldAfter: boolean;
}

export type StreamItem =
  | { readonly kind: 'holding'; readonly transition: HoldingTransition }
  | { readonly kind: 'other'; readonly sequenceNumber: string }
  | { readonly kind: 'malformed'; readonly sequenceNumber: string; readonly message: string };

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

function nonEmptySet(image: Image | undefined): boolean {
  const ss = image?.instances?.SS;
  return Array.isArray(ss) && ss.length > 0;
}

/** Reads one stream record (NEW_AND_OLD_IMAGES). */
export function readStreamRecord(record: DynamoDBRecord): StreamItem {
  const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
  const pk = record.dynamodb?.Keys?.pk?.S;
  const sk = record.dynamodb?.Keys?.sk?.S;
  if (!sequenceNumber || pk === undefined || sk === undefined) {
    return { kind: 'malformed', sequenceNumber, message: 'record has no sequence number or no pk/sk keys' };
  }
  if (!pk.startsWith(PRODUCT_PK_PREFIX) || !sk.startsWith(HOLDING_SK_PREFIX)) return { kind: 'other', sequenceNumber };
  const product = pk.slice(PRODUCT_PK_PREFIX.length);
  const userId = sk.slice(HOLDING_SK_PREFIX.length);
  if (!product || !userId)
    return { kind: 'malformed', sequenceNumber, message: `holding key ${pk}/${sk} is incomplete` };
  return {
    kind: 'holding',
    transition: {
      sequenceNumber,
      product,
      userId,
      heldBefore: nonEmptySet(record.dynamodb?.OldImage),
      heldAfter: nonEmptySet(record.dynamodb?.NewImage),
    },
  };
}

export interface ChangeSummary {
  /** Products whose user list changed, each with the sequence number of its first changing record. */
  readonly changed: ReadonlyMap<string, string>;
  /** Holdings that changed membership, for logs and metrics. */
  readonly transitions: number;
  readonly malformed: readonly { sequenceNumber: string; message: string }[];
}

/** Summarizes a batch: which products' lists changed. Order-preserving; malformed records are reported. */
export function summarizeBatch(records: readonly DynamoDBRecord[]): ChangeSummary {
  const changed = new Map<string, string>();
  const malformed: { sequenceNumber: string; message: string }[] = [];
  let transitions = 0;
  for (const record of records) {
    const item = readStreamRecord(record);
    if (item.kind === 'malformed') malformed.push(item);
    if (item.kind !== 'holding') continue;
    const t = item.transition;
    if (t.heldBefore === t.heldAfter) continue;
    transitions++;
    if (!changed.has(t.product)) changed.set(t.product, t.sequenceNumber);
  }
  return { changed, transitions, malformed };
}
