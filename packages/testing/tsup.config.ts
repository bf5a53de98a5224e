import { defineConfig } from 'tsup';

const common = {
  dts: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  tsconfig: 'tsconfig.build.json',
} as const;

export default defineConfig([
  // Every entry as ESM, sharing chunks.
  {
    ...common,
    entry: ['src/index.ts', 'src/vitest.ts', 'src/conformance/index.ts'],
    format: ['esm'],
    clean: true,
  },
  // CommonJS for the main entry only: `./vitest` and `./conformance` are built on vitest, which cannot
  // be require()d, so they are ESM only (a `require` gets ERR_PACKAGE_PATH_NOT_EXPORTED).
  {
    ...common,
    entry: ['src/index.ts'],
    format: ['cjs'],
    clean: false,
  },
]);
