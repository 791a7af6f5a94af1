import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// One vitest project per workspace package; `source` resolves workspace imports to TypeScript
// sources, so tests run without a build step.
const dirs = ['packages', 'apps'].flatMap((group) =>
  readdirSync(group)
    .map((name) => `${group}/${name}`)
    .filter((dir) => existsSync(`${dir}/package.json`) && existsSync(`${dir}/test`)),
);

export default defineConfig({
  test: {
    // Scaffold packages have no tests yet: an empty project is not a failure.
    passWithNoTests: true,
    projects: dirs.map((dir) => ({
      resolve: { conditions: ['source'] },
      ssr: { resolve: { conditions: ['source'] } },
      test: {
        name: dir.split('/')[1],
        root: dir,
        include: ['test/**/*.test.ts'],
        testTimeout: 60_000,
        passWithNoTests: true,
      },
    })),
  },
});
