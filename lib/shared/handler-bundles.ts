import { Stage } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { BuildOptions, Message } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { BlockingWorker } from './blocking-worker';

// One esbuild process bundles every Lambda handler of a cloud assembly. A function's code asset
// is a directory of cdk.out named by a hash of the bundle's inputs (bundle-inputs.ts): the function
// asks for it at construction, and a bundle still missing is handed at once to a worker thread
// that builds with esbuild's API while the app goes on building its stacks. The worker builds what
// has arrived in one esbuild build per distinct set of options, and what arrives meanwhile in the
// next round, so handlers built together share the parsing of common modules; a directory already
// holding its bundle is reused as it is. Templates name a bundle by its inputs, not its contents, so
// nothing in synth waits for the build until the Stage's synth returns.

/** How a handler is bundled: esbuild's options for one CommonJS output. */
export interface HandlerBundleOptions {
  /** esbuild target, such as `node24`. */
  readonly target: string;
  /** Whether the bundle is minified. */
  readonly minify: boolean;
  /** Whether the bundle has a source map. */
  readonly sourcemap: boolean;
  /** Modules left to the runtime. */
  readonly external: readonly string[];
}

/** The bundle's file in its asset directory, with `.map` beside it when source maps are on. */
const BUNDLE_FILE = 'index.js';

/** The esbuild options StandardFunction bundles with (also for tests that run a bundle). */
export function esbuildOptions(projectRoot: string, options: HandlerBundleOptions): BuildOptions {
  return {
    absWorkingDir: projectRoot,
    bundle: true,
    platform: 'node',
    target: options.target,
    minify: options.minify,
    sourcemap: options.sourcemap,
    external: [...options.external],
    logLevel: 'silent',
  };
}

/** The handler bundles of one Stage (usually the App), built while it is constructed and synthesized. */
export class HandlerBundles {
  /** The bundles of the Stage that `scope` is in. */
  public static of(scope: IConstruct, projectRoot: string): HandlerBundles {
    const stage = Stage.of(scope);
    if (!stage) throw new Error(`${scope.node.path}: a Lambda handler bundle must be inside an App or Stage`);
    let bundles = HandlerBundles.byStage.get(stage);
    if (!bundles) {
      bundles = new HandlerBundles(resolve(stage.assetOutdir), projectRoot);
      HandlerBundles.byStage.set(stage, bundles);
      // CDK has no hook after synth: the Stage's synth returns once every bundle is built, so
      // every caller (the CLI, tests) gets a complete assembly.
      const built = bundles;
      const synth = stage.synth.bind(stage);
      stage.synth = (options) => {
        const assembly = synth(options);
        built.finish();
        return assembly;
      };
    }
    return bundles;
  }

  private static readonly byStage = new WeakMap<Stage, HandlerBundles>();

  /** Asset directories handed to the build. */
  private readonly requested = new Set<string>();
  /** The build under way, if any. */
  private building?: BlockingWorker;

  private constructor(
    private readonly outdir: string,
    private readonly projectRoot: string,
  ) {}

  /**
   * The code asset for `entry`'s bundle: `source` to give `Code.fromAsset` with the custom hash
   * `inputsHash`, and `directory`, where CDK stages that asset (`asset.`, the SHA-256 of the hash,
   * the source's extension). The directory exists once this returns, so CDK copies nothing into
   * it; a missing bundle starts building at once and is in it when the Stage's synth returns. With
   * `build` false (bundling skipped for the stack) it is left as it is.
   */
  public assetFor(
    entry: string,
    inputsHash: string,
    options: HandlerBundleOptions,
    build: boolean,
  ): { source: string; directory: string } {
    const source = dirname(entry);
    const name = `asset.${createHash('sha256').update(inputsHash).digest('hex')}${extname(source)}`;
    const directory = join(this.outdir, name);
    if (isBuilt(directory)) return { source, directory };
    mkdirSync(directory, { recursive: true });
    if (build && !this.requested.has(directory)) {
      this.requested.add(directory);
      this.building ??= new BlockingWorker(BUILD_WORKER, { esbuild: require.resolve('esbuild') });
      this.building.post({
        options: { ...esbuildOptions(this.projectRoot, options), outdir: this.outdir },
        entry,
        directory,
      });
    }
    return { source, directory };
  }

  /**
   * Waits for every bundle handed to the build. A failed build leaves none of its bundle directories
   * behind, and fails with esbuild's errors, one line each.
   */
  public finish(): void {
    const building = this.building;
    if (!building) return;
    this.building = undefined;
    building.post({ done: true });
    const replies = building.replies(BUILD_TIMEOUT_MS) as { errors?: (Message | string)[] }[] | undefined;
    if (!replies) throw new Error(`Bundling Lambda handlers did not finish within ${BUILD_TIMEOUT_MS / 1000} s`);
    const errors = replies.flatMap((r) => r.errors ?? []);
    if (errors.length > 0) {
      throw new Error(`Bundling Lambda handlers failed:\n${describeErrors(errors, this.projectRoot)}`);
    }
  }
}

const BUILD_TIMEOUT_MS = 600_000;

/**
 * The worker: takes bundles (`{ options, entry, directory }`) as they arrive and builds, in rounds,
 * everything that has arrived, one esbuild build per distinct set of options, each bundle into its
 * `-building` directory (beside the asset directories, at the same depth, so source map paths are
 * the same), then moved into place whole; a build that fails leaves none of its directories behind.
 * On `{ done }` it posts `{ errors }` (empty when every build succeeded) once the builds are over.
 */
const BUILD_WORKER = `
const esbuild = require(input.esbuild);
const { renameSync, rmSync } = require('node:fs');
const { basename } = require('node:path');
const remove = (dir) => rmSync(dir, { recursive: true, force: true });
const buildingDir = (b) => b.directory + '-building';
const arrived = [];
const errors = [];
let rounds = Promise.resolve();

async function build(bundles) {
  for (const b of bundles) remove(buildingDir(b));
  try {
    await esbuild.build({
      ...bundles[0].options,
      entryPoints: bundles.map((b) => ({ in: b.entry, out: basename(buildingDir(b)) + '/index' })),
    });
  } catch (e) {
    for (const b of bundles) {
      remove(buildingDir(b));
      remove(b.directory);
    }
    errors.push(...(e && e.errors && e.errors.length > 0 ? e.errors : [errorMessage(e)]));
    return;
  }
  for (const b of bundles) {
    try {
      // Replaces the empty directory made for CDK in one step, so it is never missing.
      renameSync(buildingDir(b), b.directory);
    } catch {
      remove(b.directory);
      renameSync(buildingDir(b), b.directory);
    }
  }
}

function buildArrived() {
  const byOptions = new Map();
  for (const b of arrived.splice(0)) {
    const key = JSON.stringify(b.options);
    byOptions.set(key, [...(byOptions.get(key) || []), b]);
  }
  return Promise.all([...byOptions.values()].map(build));
}

port.on('message', (message) => {
  if (!message.done) {
    arrived.push(message);
    rounds = rounds.then(() => (arrived.length > 0 ? buildArrived() : undefined));
    return;
  }
  rounds
    .then(() => port.postMessage({ errors }))
    .catch((e) => port.postMessage({ errors: [errorMessage(e)] }))
    .finally(() => {
      signal();
      esbuild.stop();
      port.close();
    });
});
`;

/** A directory holds a finished bundle: it is moved into place whole, so its file means complete. */
function isBuilt(directory: string): boolean {
  return existsSync(join(directory, BUNDLE_FILE));
}

/** esbuild's errors, one line each, with the file's full path. */
function describeErrors(errors: readonly (Message | string)[], projectRoot: string): string {
  return errors
    .map((m) => {
      if (typeof m === 'string') return m;
      const at = m.location;
      return at ? `${resolve(projectRoot, at.file)}:${at.line}:${at.column}: ${m.text}` : m.text;
    })
    .join('\n');
}
