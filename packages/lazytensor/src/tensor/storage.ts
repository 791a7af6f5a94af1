/**
 * A device buffer shared by the tensors that view it (a reshape shares its input's buffer, and the
 * autograd tape keeps the inputs a backward pass needs). The buffer is freed when the last holder
 * lets go, so disposing one tensor never pulls data from under another.
 */
import type { Backend, DeviceBuffer } from '@symtensor/core-ir';

export class Storage {
  private refs = 1;

  constructor(
    readonly backend: Backend,
    readonly buffer: DeviceBuffer,
  ) {}

  /** One more holder. */
  retain(): this {
    this.refs++;
    return this;
  }

  /** One holder fewer; frees the device buffer after the last one. */
  release(): void {
    this.refs--;
    if (this.refs === 0) this.backend.free(this.buffer);
  }
}
