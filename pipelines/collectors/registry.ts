/** Collectors by platform: one per platform, registered once. */
import type { Platform } from '../../server/domain/schemas.js';
import { createFeedCollector } from './feeds.js';
import { createGdeltCollector } from './gdelt.js';
import { createTelegramCollector } from './telegram.js';
import type { Collector } from './types.js';
import { SourceError } from './types.js';
import { createYoutubeCollector } from './youtube.js';

export class CollectorRegistry {
  private readonly collectors = new Map<Platform, Collector>();

  register(collector: Collector): this {
    if (this.collectors.has(collector.platform)) {
      throw new Error(`a collector for platform "${collector.platform}" is already registered`);
    }
    this.collectors.set(collector.platform, collector);
    return this;
  }

  has(platform: Platform): boolean {
    return this.collectors.has(platform);
  }

  /** The collector for a platform; a platform without one (e.g. "import", fed by uploads) is a source error. */
  get(platform: Platform): Collector {
    const collector = this.collectors.get(platform);
    if (!collector) throw new SourceError(`no collector for platform "${platform}"`, 'no_collector');
    return collector;
  }

  platforms(): Platform[] {
    return [...this.collectors.keys()];
  }
}

/** A registry with the built-in collectors. Each call gives fresh collectors (and a fresh GDELT rate limiter). */
export function createDefaultRegistry(): CollectorRegistry {
  return new CollectorRegistry()
    .register(createTelegramCollector())
    .register(createYoutubeCollector())
    .register(createFeedCollector())
    .register(createGdeltCollector());
}

let shared: CollectorRegistry | undefined;

/** The process-wide registry, so GDELT's rate limit is shared by every run in the process. */
export function getCollector(platform: Platform): Collector {
  shared ??= createDefaultRegistry();
  return shared.get(platform);
}
