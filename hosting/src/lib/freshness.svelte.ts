// How fresh the data on screen is. `version` is read by readCollection (so a screen's $effect that
// reads collections runs again when it changes): bumped when a kept copy was shown and the network's
// answer arrived later, or when the network came back. `keptAt` names the collections shown from the
// device's copy and when that copy came from the network.
class Freshness {
  version = $state(0);
  keptAt = $state<Record<string, number>>({});

  /** Oldest kept copy on screen (ms), or null when everything came from the network. */
  get oldest(): number | null {
    const all = Object.values(this.keptAt);
    return all.length ? Math.min(...all) : null;
  }
  kept(key: string, at: number): void {
    this.keptAt[key] = at;
  }
  fresh(key: string): void {
    if (key in this.keptAt) delete this.keptAt[key];
  }
  bump(): void {
    this.version++;
  }
  reset(): void {
    this.keptAt = {};
  }
}

export const freshness = new Freshness();
