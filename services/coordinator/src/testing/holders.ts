import { expect } from 'vitest';
import type { GpuLease } from '@nemo/common';

/**
 * What the holders themselves believe: a lease counts from the moment its
 * grant arrives until its holder lets go or learns it is lost. This is the
 * invariant that matters on a GPU, so it is checked at every change.
 */
export class HolderLedger {
  private readonly bySlot = new Map<number, string>();
  peak = 0;
  violations: string[] = [];

  constructor(private readonly capacity: number) {}

  get holding(): number {
    return this.bySlot.size;
  }

  took(lease: GpuLease): void {
    const other = this.bySlot.get(lease.slot);
    if (other) this.violations.push(`slot ${lease.slot} granted to ${lease.leaseId} while ${other} held it`);
    this.bySlot.set(lease.slot, lease.leaseId);
    if (this.bySlot.size > this.capacity)
      this.violations.push(`${this.bySlot.size} holders for ${this.capacity} slots`);
    this.peak = Math.max(this.peak, this.bySlot.size);
    lease.signal.addEventListener('abort', () => this.letGo(lease), { once: true });
  }

  letGo(lease: GpuLease): void {
    if (this.bySlot.get(lease.slot) === lease.leaseId) this.bySlot.delete(lease.slot);
  }

  assertHeld(): void {
    expect(this.violations).toEqual([]);
  }
}
