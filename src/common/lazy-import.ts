// Loads a heavy optional dependency (S3 SDK, sharp, web-push, mail libraries) the first time its feature is
// used, not at start: a server that never uses it does not pay its memory. Loaded once; a failed load is
// tried again on the next use.
export function lazyImport<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
