import { Aspects, AspectPriority, Stage } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { BuildOptions, Message } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { BlockingWorker, WAIT_LIMIT_MS } from './blocking-worker';

// One esbuild run bundles every Lambda handler of a cloud assembly. A function's code asset is a
// directory of cdk.out named by a hash of the bundle's inputs (bundle-inputs.ts): the function
// asks for it at construction, and the bundles still missing are built together when the
// assembly is synthesized, one esbuild build per distinct set of options, all at once in one
// esbuild process. Built handlers share the parsing of common modules, and a directory already
// holding its bundle is reused as it is. Templates name a bundle by its inputs, not its contents,
// so the build runs on a worker thread beside the rest of synth (templates, cdk-nag, template
// validation), and the Stage's synth returns once it is done.

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

/** The handler bundles of one Stage (usually the App), built together when it synthesizes. */
export class HandlerBundles {
  /** The bundles of the Stage that `scope` is in. */
  public static of(scope: IConstruct, projectRoot: string): HandlerBundles {
    const stage = Stage.of(scope);
    if (!stage) throw new Error(`${scope.node.path}: a Lambda handler bundle must be inside an App or Stage`);
    let bundles = HandlerBundles.byStage.get(stage);
    if (!bundles) {
      bundles = new HandlerBundles(resolve(stage.assetOutdir), projectRoot);
      HandlerBundles.byStage.set(stage, bundles);
      const built = bundles;
      // Read-only for the tree: runs after every construct exists, before templates are written.
      const startAtSynth = {
        visit(node: IConstruct): void {
          if (node === stage) built.start();
        },
      };
      Aspects.of(stage).add(startAtSynth, { priority: AspectPriority.READONLY });
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

  /** Bundles to build: by options (as JSON), each asset directory's entry. */
  private readonly pending = new Map<string, Map<string, string>>();
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
   * it; it holds the bundle once built. With `build` false (bundling skipped for the stack) it is
   * left as it is.
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
    if (build) {
      const key = JSON.stringify(options);
      const group = this.pending.get(key) ?? new Map<string, string>();
      group.set(directory, entry);
      this.pending.set(key, group);
    }
    return { source, directory };
  }

  /** Starts building every pending bundle on a worker thread, and returns at once. */
  public start(): void {
    if (this.building || this.pending.size === 0) return;
    const groups = [...this.pending].map(([key, group]) => {
      // Each built beside its asset directory, at the same depth, so source map paths are the same.
      const members = [...group].map(([directory, entry]) => ({ entry, directory, building: `${directory}-building` }));
      const options: BuildOptions = {
        ...esbuildOptions(this.projectRoot, JSON.parse(key) as HandlerBundleOptions),
        entryPoints: members.map((b) => ({ in: b.entry, out: `${basename(b.building)}/index` })),
        outdir: this.outdir,
      };
      const bundles = members.map(({ directory, building }) => ({ directory, building }));
      return { options, bundles };
    });
    this.pending.clear();
    this.building = new BlockingWorker(
      BUILD_WORKER,
      { esbuild: require.resolve('esbuild'), groups },
      { background: true },
    );
  }

  /**
   * Waits for the build started by {@link start}. A failed build leaves no bundle directory of its
   * group behind, and fails with esbuild's errors, one line each.
   */
  public finish(): void {
    const building = this.building;
    if (!building) return;
    this.building = undefined;
    const replies = building.replies(WAIT_LIMIT_MS) as { errors?: (Message | string)[] }[] | undefined;
    if (!replies) throw new Error(`Bundling Lambda handlers did not finish within ${WAIT_LIMIT_MS / 1000} s`);
    const errors = replies.flatMap((r) => r.errors ?? []);
    if (errors.length > 0) {
      throw new Error(`Bundling Lambda handlers failed:\n${describeErrors(errors, this.projectRoot)}`);
    }
  }
}

/**
 * The worker: builds each group of bundles with esbuild's own API, all groups at once, each bundle
 * into its `-building` directory, then moved into place whole; a group that fails leaves none of
 * its directories behind. Posts `{ errors }`, empty when every group built.
 */
const BUILD_WORKER = `
const esbuild = require(input.esbuild);
const { renameSync, rmSync } = require('node:fs');
const remove = (dir) => rmSync(dir, { recursive: true, force: true });
Promise.all(
  input.groups.map(async ({ options, bundles }) => {
    for (const b of bundles) remove(b.building);
    try {
      await esbuild.build(options);
    } catch (e) {
      for (const b of bundles) {
        remove(b.building);
        remove(b.directory);
      }
      return e && e.errors && e.errors.length > 0 ? e.errors : [errorMessage(e)];
    }
    for (const b of bundles) {
      remove(b.directory);
      renameSync(b.building, b.directory);
    }
    return [];
  }),
)
  .then((errors) => port.postMessage({ errors: errors.flat() }))
  .catch((e) => port.postMessage({ errors: [errorMessage(e)] }))
  .finally(() => {
    signal();
    esbuild.stop();
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
