/**
 * Rejects with `onTimeout()` if `promise` has not settled within `ms`, and clears its timer either
 * way (a pending timer would keep a Node process alive). `promise` itself is not cancelled: the
 * caller's `onTimeout` does whatever abandoning the operation needs (destroy a socket, drop a reader).
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(onTimeout());
    }, ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
