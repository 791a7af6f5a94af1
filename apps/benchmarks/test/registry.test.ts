import { BackendUnavailableError } from '@symtensor/core-ir';
import { describe, expect, it } from 'vitest';
import { loadBackend } from '../src/backends/registry.js';
import { loadBaseline } from '../src/baselines/registry.js';
import { tryLoad } from '../src/contender.js';
import { UsageError } from '../src/errors.js';
import { selectSuites } from '../src/suites/registry.js';

describe('backend and baseline registries', () => {
  it('turns a backend that cannot be created into an unavailable entry with its reason', async () => {
    const noGpu = await tryLoad('webgpu', async () => {
      throw new BackendUnavailableError('webgpu', 'no adapter found');
    });
    expect(noGpu).toEqual({ name: 'webgpu', ok: false, reason: 'no adapter found' });
    const broken = await tryLoad('cuda', async () => {
      throw new TypeError('cannot read libcuda.so');
    });
    expect(broken).toEqual({ name: 'cuda', ok: false, reason: 'TypeError: cannot read libcuda.so' });
  });

  it('loads every registered backend without throwing, explaining any that is unavailable', async () => {
    for (const name of ['cpu', 'webgpu', 'cuda']) {
      const loaded = await loadBackend(name);
      if (loaded.ok) await loaded.contender.close();
      else expect(loaded.reason, name).toMatch(/\S/);
    }
  });

  it('always has the reference interpreter', async () => {
    const loaded = await loadBackend('reference');
    expect(loaded.ok && loaded.contender.kind).toBe('backend');
    if (loaded.ok) await loaded.contender.close();
  });

  it('rejects unknown names with a UsageError', () => {
    expect(() => loadBackend('tpu')).toThrow(UsageError);
    expect(() => loadBaseline('numpy')).toThrow(UsageError);
  });
});

describe('suite selection', () => {
  it('selects by id and by group, in registry order', () => {
    const s = selectSuites(['lse', 'kernels', 'ml']);
    expect(s.map((x) => x.id)).toEqual([
      'gaussian',
      'laplace',
      'cauchy',
      'imq',
      'lse',
      'kmeans-d2',
      'kmeans-d10',
      'gmm-full',
      'gmm-diag',
    ]);
  });

  it('selects everything by default', () => {
    expect(selectSuites([]).map((x) => x.id)).toEqual([
      'gaussian',
      'laplace',
      'cauchy',
      'imq',
      'knn-d3',
      'knn-d50',
      'lse',
      'sinkhorn',
      'sinkhorn-grad',
      'kmeans-d2',
      'kmeans-d10',
      'gmm-full',
      'gmm-diag',
      'cg',
      'eigsh',
    ]);
  });
});
