/**
 * Compiled compute pipelines, cached by kernel key (spec key plus skeleton variant). Compilation
 * is asynchronous (`createComputePipelineAsync`) so the event loop never waits for the shader
 * compiler; runs that need a pipeline wait for it in the queue. WGSL or validation errors become
 * a `CompileError` carrying the generated WGSL.
 */
import { CompileError } from '@symtensor/core-ir';
import { SHADER_STAGE_COMPUTE } from './gpu-constants.js';
import { Lru } from './lru.js';
import type { KernelSource } from './wgsl/bindings.js';

export class Pipeline {
  state: 'pending' | 'ready' | 'failed' = 'pending';
  pipeline: GPUComputePipeline | undefined;
  error: Error | undefined;
  readonly layout: GPUBindGroupLayout;
  /** Settles (never rejects) once the pipeline is ready or failed. */
  readonly settled: Promise<void>;

  constructor(
    device: GPUDevice,
    readonly key: string,
    readonly source: KernelSource,
  ) {
    device.pushErrorScope('validation');
    this.layout = device.createBindGroupLayout({
      label: key,
      entries: source.bindings.map((b, k) => ({
        binding: k,
        visibility: SHADER_STAGE_COMPUTE,
        buffer: {
          type: b.kind === 'uniform' ? 'uniform' : b.kind === 'read' ? 'read-only-storage' : 'storage',
        },
      })),
    });
    const module = device.createShaderModule({ label: key, code: source.wgsl });
    const pipeline = device.createComputePipelineAsync({
      label: key,
      layout: device.createPipelineLayout({ bindGroupLayouts: [this.layout] }),
      compute: { module, entryPoint: 'main' },
    });
    const scope = device.popErrorScope();
    this.settled = Promise.allSettled([pipeline, scope, module.getCompilationInfo()]).then(([p, s, info]) => {
      const messages = [
        ...(info.status === 'fulfilled'
          ? info.value.messages
              .filter((m) => m.type === 'error')
              .map((m) => `${m.lineNum}:${m.linePos}: ${m.message}`)
          : []),
        ...(s.status === 'fulfilled' && s.value ? [s.value.message] : []),
        ...(p.status === 'rejected' ? [String((p.reason as Error)?.message ?? p.reason)] : []),
      ];
      if (p.status === 'fulfilled' && messages.length === 0) {
        this.pipeline = p.value;
        this.state = 'ready';
        return;
      }
      this.error = new CompileError(
        `the WGSL of kernel ${key} did not compile (a bug of @symtensor/backend-webgpu: please report it with the source in error.source):\n${[...new Set(messages)].join('\n')}`,
        source.wgsl,
      );
      this.state = 'failed';
    });
  }
}

/** Pipelines by key; bounded, so long-running programs with many specs keep their memory. */
export class PipelineCache {
  private readonly cache = new Lru<string, Pipeline>(512);

  constructor(private readonly device: GPUDevice) {}

  get(key: string, make: () => KernelSource): Pipeline {
    let p = this.cache.get(key);
    if (!p) {
      p = new Pipeline(this.device, key, make());
      this.cache.set(key, p);
    }
    return p;
  }

  clear(): void {
    this.cache.clear();
  }
}
