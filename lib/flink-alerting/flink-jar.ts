import { AssetHashType, BundlingOutput, DockerImage, type ILocalBundling } from 'aws-cdk-lib';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLINK_DIR, JAR_FILE, JAR_SOURCE_EXCLUDES, ensureJar } from './flink-build';

export interface FlinkJarProps {
  /**
   * The Maven project to build.
   * @default - the repository's flink/ directory
   */
  readonly flinkDir?: string;
}

/**
 * The Flink jobs' shaded jar as an S3 asset, built by local bundling with Maven (no Docker). The
 * asset hash comes from the jar's sources (pom.xml and src/main), so the jar is uploaded again,
 * and rebuilt, only when they change; a jar newer than its sources is reused as it is.
 */
export class FlinkJar extends Construct {
  public readonly asset: s3assets.Asset;

  constructor(scope: Construct, id: string, props: FlinkJarProps = {}) {
    super(scope, id);
    const flinkDir = props.flinkDir ?? FLINK_DIR;
    const local: ILocalBundling = {
      tryBundle(outputDir: string): boolean {
        copyFileSync(ensureJar(flinkDir), join(outputDir, JAR_FILE));
        return true;
      },
    };
    this.asset = new s3assets.Asset(this, 'Asset', {
      path: flinkDir,
      exclude: [...JAR_SOURCE_EXCLUDES],
      assetHashType: AssetHashType.SOURCE,
      bundling: {
        // Never used: local bundling always succeeds or throws. CDK requires an image.
        image: DockerImage.fromRegistry('unused-local-bundling-only'),
        local,
        outputType: BundlingOutput.ARCHIVED,
      },
    });
  }
}
