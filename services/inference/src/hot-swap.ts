export interface Disposable {
  dispose(): Promise<void>;
}

interface Slot<T> {
  readonly value: T;
  readonly version: string;
  inFlight: number;
  retired: boolean;
  drained?: () => void;
}

/**
 * Holds the live version of a model. Each call pins the version it started
 * on; a swap points new calls at the new version at once and disposes the old
 * one only when its last call has finished, so no request in flight is dropped.
 */
export class HotSwap<T extends Disposable> {
  private slot: Slot<T>;

  constructor(value: T, version: string) {
    this.slot = { value, version, inFlight: 0, retired: false };
  }

  get version(): string {
    return this.slot.version;
  }

  async use<R>(fn: (value: T, version: string) => Promise<R>): Promise<R> {
    const slot = this.slot;
    slot.inFlight += 1;
    try {
      return await fn(slot.value, slot.version);
    } finally {
      slot.inFlight -= 1;
      if (slot.retired && slot.inFlight === 0) slot.drained?.();
    }
  }

  /** Switches to `next`; resolves once the previous version is drained and disposed. */
  async swap(next: T, version: string): Promise<void> {
    const old = this.slot;
    this.slot = { value: next, version, inFlight: 0, retired: false };
    old.retired = true;
    if (old.inFlight > 0) await new Promise<void>((resolve) => (old.drained = resolve));
    await old.value.dispose();
  }

  async dispose(): Promise<void> {
    const slot = this.slot;
    slot.retired = true;
    if (slot.inFlight > 0) await new Promise<void>((resolve) => (slot.drained = resolve));
    await slot.value.dispose();
  }
}
