// Handed-over user lists in the user-list bucket: written under the sync's prefix with SSE-KMS
// under the bucket's key and S3's own SHA-256 integrity check, and removed by version once the
// license server applied them (the bucket is versioned, so a plain delete would only hide it).
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { StoredUserList, UserListStore } from '../core/sync';

export interface S3UserListsOptions {
  readonly bucket: string;
  /** ARN of the bucket's KMS key, named on every write so no object depends on the bucket default. */
  readonly keyArn: string;
}

export class S3UserLists implements UserListStore {
  constructor(
    private readonly client: S3Client,
    private readonly options: S3UserListsOptions,
  ) {}

  async put(list: { key: string; body: string; sha256: string }): Promise<StoredUserList> {
    const { VersionId } = await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: list.key,
        Body: list.body,
        ContentType: 'text/plain; charset=utf-8',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: this.options.keyArn,
        // S3 refuses the upload (BadDigest) if what it received differs from what was hashed here.
        ChecksumSHA256: Buffer.from(list.sha256, 'hex').toString('base64'),
      }),
    );
    return { key: list.key, versionId: VersionId };
  }

  async remove(list: StoredUserList): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.options.bucket, Key: list.key, VersionId: list.versionId }),
    );
  }
}
