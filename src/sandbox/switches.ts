/**
 * A set of control switches replaced whole on each POST and cleared by a reset: what the
 * fault switches and the dialect switches have in common.
 */
export interface SwitchSet<T extends object> {
  current(): T
  set(next: T): void
  clear(): void
}

export function createSwitchSet<T extends object>(empty: () => T): SwitchSet<T> {
  let value = empty()
  return {
    current: () => ({ ...value }),
    set(next) {
      value = { ...next }
    },
    clear() {
      value = empty()
    },
  }
}
