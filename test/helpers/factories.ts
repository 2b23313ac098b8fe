/** Test data built by each test: items with sensible defaults and the fields a test cares about. */
import type { ItemInput, SourceInput } from '../../server/domain/schemas.js';
import { itemId } from '../../server/store/prepare.js';

let sequence = 0;

export function anItem(overrides: Partial<ItemInput> = {}): ItemInput {
  sequence++;
  return {
    platform: 'telegram',
    sourceId: 'test-channel',
    externalId: `msg-${sequence}`,
    kind: 'post',
    side: 'UA',
    title: `Test item ${sequence}`,
    text: 'A plain test text about the exchange of prisoners.',
    lang: 'en',
    publishedAt: '2026-01-21T08:30:00Z',
    ...overrides,
  };
}

export const idOf = (item: ItemInput) => itemId(item.platform, item.sourceId, item.externalId);

export function aSource(overrides: Partial<SourceInput> = {}): SourceInput {
  sequence++;
  return {
    id: `source-${sequence}`,
    platform: 'telegram',
    handle: `channel_${sequence}`,
    name: `Test channel ${sequence}`,
    side: 'UA',
    type: 'channel',
    lang: 'uk',
    ...overrides,
  };
}
