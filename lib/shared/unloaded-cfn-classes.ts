import { dirname, relative, sep } from 'node:path';

// aws-cdk-lib loads a service's classes (for L1s its `<service>.generated.js`, up to 5 MB of
// JavaScript) the first time one of them is read from the service's module. cdk-nag's rules test
// every resource with `instanceof` against the L1 classes of some 90 services, so its first pass
// over the app loads every one of those modules: most of its time, for services the app does not
// use. No object can be an instance of a class that was never loaded, so while the rules run, each
// export of a service of which nothing but its entry module is loaded is replaced by a stand-in
// whose `instanceof` answers false without loading anything; anything else read from it loads and
// reads the real export.

const CDK_LIB_DIR = dirname(require.resolve('aws-cdk-lib/package.json'));

/**
 * Runs `fn` with the exports of every aws-cdk-lib service module of which only the entry module
 * (`aws-cdk-lib/<service>`) is loaded answering `instanceof` with false without being loaded, and
 * puts the exports back afterwards.
 */
export function withUnloadedCfnClassesSkipped<T>(fn: () => T): T {
  const restore: (() => void)[] = [];
  for (const { exports, key, descriptor } of unloadedExports()) {
    const real = () => descriptor.get!.call(exports);
    const standIn = new Proxy(class {}, {
      get: (_target, property) => (property === Symbol.hasInstance ? () => false : Reflect.get(real(), property)),
      construct: (_target, args) => Reflect.construct(real(), args),
    });
    Object.defineProperty(exports, key, { configurable: true, enumerable: descriptor.enumerable, value: standIn });
    restore.push(() => Object.defineProperty(exports, key, descriptor));
  }
  try {
    return fn();
  } finally {
    for (const undo of restore) undo();
  }
}

/** An export not yet read: aws-cdk-lib defines each as a getter that loads it on first read. */
export interface UnloadedExport {
  readonly exports: object;
  readonly key: string;
  readonly descriptor: PropertyDescriptor;
}

/**
 * The not yet read exports of the aws-cdk-lib service modules (`aws-cdk-lib/<directory>/index.js`)
 * of which no other file is loaded.
 */
export function unloadedExports(): UnloadedExport[] {
  const entries = new Map<string, NodeJS.Module>();
  const inUse = new Set<string>();
  for (const [file, m] of Object.entries(require.cache)) {
    const [directory, ...rest] = relative(CDK_LIB_DIR, file).split(sep);
    if (!m || rest.length === 0 || directory.startsWith('..')) continue;
    if (rest.length === 1 && rest[0] === 'index.js') entries.set(directory, m);
    else inUse.add(directory);
  }
  const unloaded: UnloadedExport[] = [];
  for (const [directory, m] of entries) {
    if (inUse.has(directory)) continue;
    for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(m.exports))) {
      if (descriptor.get && descriptor.configurable) unloaded.push({ exports: m.exports, key, descriptor });
    }
  }
  return unloaded;
}
