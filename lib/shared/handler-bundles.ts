import { Aspects, AspectPriority, Stage } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { type BuildFailure, type BuildOptions, buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';

// One esbuild run bundles every Lambda handler of a cloud assembly. A function's code asset is a
// directory of cdk.out named by a hash of the bundle's inputs (bundle-inputs.ts): the function
// asks for it at construction, and the bundles still missing are built together when the
// assembly is synthesized, one esbuild build per distinct set of options (esbuild's sync API keeps
// one esbuild process for all of them). Built handlers share the parsing of common modules, and
// a directory already holding its bundle is reused as it is.

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

interface PendingBundle {
  readonly entry: string;
  readonly directory: string;
}

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
      const buildAtSynth = {
        visit(node: IConstruct): void {
          if (node === stage) built.build();
        },
      };
      Aspects.of(stage).add(buildAtSynth, { priority: AspectPriority.READONLY });
    }
    return bundles;
  }

  private static readonly byStage = new WeakMap<Stage, HandlerBundles>();

  /** Bundles to build, by options (as JSON), then by asset directory. */
  private readonly pending = new Map<string, Map<string, PendingBundle>>();

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
      const group = this.pending.get(key) ?? new Map<string, PendingBundle>();
      group.set(directory, { entry, directory });
      this.pending.set(key, group);
    }
    return { source, directory };
  }

  /** Builds every pending bundle; a failed build leaves no bundle directory of its group behind. */
  public build(): void {
    for (const [key, group] of this.pending) {
      this.pending.delete(key);
      const bundles = [...group.values()];
      // Written beside the asset directories, at the same depth, so source map paths are the same.
      const building = (b: PendingBundle) => `${b.directory}-building`;
      for (const b of bundles) rmSync(building(b), { recursive: true, force: true });
      try {
        buildSync({
          ...esbuildOptions(this.projectRoot, JSON.parse(key) as HandlerBundleOptions),
          entryPoints: bundles.map((b) => ({ in: b.entry, out: `${basename(building(b))}/index` })),
          outdir: this.outdir,
        });
      } catch (e) {
        for (const b of bundles) {
          rmSync(building(b), { recursive: true, force: true });
          rmSync(b.directory, { recursive: true, force: true });
        }
        throw new Error(`Bundling Lambda handlers failed:\n${describeFailure(e, this.projectRoot)}`);
      }
      for (const b of bundles) {
        rmSync(b.directory, { recursive: true, force: true });
        renameSync(building(b), b.directory);
      }
    }
  }
}

/** A directory holds a finished bundle: it is moved into place whole, so its file means complete. */
function isBuilt(directory: string): boolean {
  return existsSync(join(directory, BUNDLE_FILE));
}

/** esbuild's errors, one line each, with the file's full path. */
function describeFailure(e: unknown, projectRoot: string): string {
  const errors = (e as Partial<BuildFailure>).errors;
  if (!errors?.length) return String(e);
  return errors
    .map((m) => {
      const at = m.location;
      return at ? `${resolve(projectRoot, at.file)}:${at.line}:${at.column}: ${m.text}` : m.text;
    })
    .join('\n');
}
