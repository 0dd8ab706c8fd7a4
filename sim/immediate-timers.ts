/**
 * Zero-delay timers without Node's 1 ms floor, for the simulation process only.
 *
 * RxDB and its idle queue yield with `setTimeout(fn, 0)` several hundred times per history, and
 * Node runs such a timer no sooner than 1 ms later: a third of a history's time was spent idle
 * waiting on those floors. Running them as immediates keeps them macrotasks after the current
 * one, which is all the callers ask for, and takes the wall clock out of their order: the
 * simulation gets faster and no less deterministic. Timers with a real delay are untouched.
 */
type TimerHandle = ReturnType<typeof setTimeout>;

const nodeSetTimeout = globalThis.setTimeout;
const nodeClearTimeout = globalThis.clearTimeout;
const Immediate = setImmediate(() => undefined).constructor;

function immediateTimeout<A extends unknown[]>(
  callback: (...args: A) => void,
  delay?: number,
  ...args: A
): TimerHandle {
  if (delay !== undefined && delay > 0) return nodeSetTimeout(callback, delay, ...args);
  // An Immediate has ref/unref/hasRef like a Timeout; clearTimeout below knows how to cancel it.
  return setImmediate(callback, ...args) as unknown as TimerHandle;
}

function clearEitherTimeout(handle: Parameters<typeof clearTimeout>[0]): void {
  if (handle instanceof Immediate) clearImmediate(handle as unknown as NodeJS.Immediate);
  else nodeClearTimeout(handle);
}

globalThis.setTimeout = Object.assign(immediateTimeout, {
  __promisify__: nodeSetTimeout.__promisify__,
}) as typeof setTimeout;
globalThis.clearTimeout = clearEitherTimeout as typeof clearTimeout;
