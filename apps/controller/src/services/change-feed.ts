// In-process signal that the mesh changed; the config distributor listens. Other controller
// replicas learn of changes by polling the repository fingerprint instead.
export interface ChangeFeed {
  notify(reason: string): void;
  subscribe(listener: (reason: string) => void): () => void;
}

export function createChangeFeed(): ChangeFeed {
  const listeners = new Set<(reason: string) => void>();
  return {
    notify(reason) {
      for (const l of listeners) l(reason);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
