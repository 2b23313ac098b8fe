/** Pieces of the cluster tests: item batches (and, re-exported, a real redis-server and free ports). */
export { freePort, redisInstalled, startRedis } from '../../helpers/redis.js';
import type { ItemInput } from '../../../server/domain/schemas.js';

/** `count` items of one source in batches of `size`, ids unique to the run. */
export function batches(sourceId: string, count: number, size: number): ItemInput[][] {
  const out: ItemInput[][] = [];
  for (let start = 0; start < count; start += size) {
    out.push(
      Array.from({ length: Math.min(size, count - start) }, (_, i) => ({
        platform: 'telegram' as const,
        sourceId,
        externalId: `${sourceId}-${start + i}`,
        kind: 'post' as const,
        side: 'UA' as const,
        title: `Cluster item ${start + i}`,
        text: `Item ${start + i} of ${sourceId}, about the exchange of prisoners.`,
        lang: 'en',
        publishedAt: '2026-01-21T08:30:00Z',
      })),
    );
  }
  return out;
}
