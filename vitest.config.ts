import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import sibling packages from source, so no build step is needed to run them; the published
// builds are checked separately by `pnpm package-lint` (publint, attw, pack-and-import).
const alias = {
  '@haproxyadmin/protocol': here('./packages/protocol/src/index.ts'),
  '@haproxyadmin/sdk/plugin': here('./packages/sdk/src/plugin/index.ts'),
  '@haproxyadmin/sdk': here('./packages/sdk/src/index.ts'),
  '@haproxyadmin/plugin-acl': here('./packages/plugin-acl/src/index.ts'),
  '@haproxyadmin/plugin-map': here('./packages/plugin-map/src/index.ts'),
  '@haproxyadmin/testing/vitest': here('./packages/testing/src/vitest.ts'),
  '@haproxyadmin/testing/conformance': here('./packages/testing/src/conformance/index.ts'),
  '@haproxyadmin/testing': here('./packages/testing/src/index.ts'),
};

const folders = (parent: string) => {
  try {
    return readdirSync(here(`./${parent}`), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}`);
  } catch {
    return [];
  }
};

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [...folders('packages'), ...folders('examples')].map((root) => ({
      extends: true,
      test: {
        name: root.split('/')[1]!,
        root,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        typecheck: {
          enabled: true,
          include: ['test/**/*.test-d.ts', 'src/**/*.test-d.ts'],
          tsconfig: here(`./${root}/tsconfig.json`),
        },
      },
    })),
  },
});
