/**
 * The bind group of a kernel, described once: the WGSL generator declares `@binding(k)` from it
 * and the host builds the bind group layout and the bind groups from it, in the same order.
 */

/** `uniform` block, read-only storage, or read-write storage. */
export type BindingKind = 'uniform' | 'read' | 'write';

export interface Binding {
  /** WGSL variable name. */
  readonly name: string;
  readonly kind: BindingKind;
  /** WGSL type of the variable (`U`, `array<f32>`, ...). */
  readonly type: string;
}

/** WGSL declarations of the bindings, group 0, bindings numbered in order. */
export function bindingDecls(bindings: readonly Binding[]): string {
  return bindings
    .map((b, k) => {
      const space =
        b.kind === 'uniform' ? 'uniform' : b.kind === 'read' ? 'storage, read' : 'storage, read_write';
      return `@group(0) @binding(${k}) var<${space}> ${b.name}: ${b.type};`;
    })
    .join('\n');
}

/** A generated kernel: its WGSL source and its bindings. */
export interface KernelSource {
  readonly wgsl: string;
  readonly bindings: readonly Binding[];
  /** Invocations per workgroup (the x size; y and z are 1). */
  readonly workgroupSize: number;
}
