import { describe, expect, it } from 'vitest';
import type { AlertRule } from '../../../client/src/api/types.js';
import { DraftError, draftToInput, emptyDraft, isMuted, ruleToDraft } from '../../../client/src/lib/alert-rule-form.js';

describe('alert rule form', () => {
  it('sends only the parameters of the rule type, with threshold lists and channels', () => {
    const draft = emptyDraft('spread_threshold');
    draft.name = ' Spreading ';
    draft.sides = 'ua, ru';
    draft.params.pickups = '5, 20';
    draft.params.ratio = '9';
    draft.webhooks = 'https://hooks.example.org/a\nhttps://hooks.example.org/b';
    draft.emails = 'desk@example.org';
    draft.cooldownMinutes = '15';
    expect(draftToInput(draft)).toEqual({
      name: 'Spreading',
      type: 'spread_threshold',
      enabled: true,
      severity: 'warning',
      filter: { sides: ['UA', 'RU'] },
      params: { windowHours: 24, pickups: [5, 20] },
      cooldownSec: 900,
      channels: {
        dashboard: true,
        webhooks: ['https://hooks.example.org/a', 'https://hooks.example.org/b'],
        emails: ['desk@example.org'],
      },
    });
  });

  it('gives keyword rules their query and no params', () => {
    const draft = emptyDraft('keyword');
    draft.name = 'k';
    draft.query = 'prisoners AND exchange';
    expect(draftToInput(draft)).toMatchObject({ filter: { query: 'prisoners AND exchange' }, params: {} });
  });

  it('refuses numbers that do not parse, naming the field', () => {
    const draft = emptyDraft('volume_spike');
    draft.params.ratio = 'lots';
    expect(() => draftToInput(draft)).toThrow(DraftError);
    draft.params.ratio = '3';
    draft.type = 'spread_threshold';
    draft.params.pickups = '0';
    expect(() => draftToInput(draft)).toThrow(/pickups/u);
  });

  it('round-trips a stored rule through the form', () => {
    const rule: AlertRule = {
      id: 'r1',
      name: 'Frames',
      type: 'frame_shift',
      enabled: false,
      severity: 'critical',
      filter: { sides: ['KP'], query: 'soldiers' },
      params: { interval: 'week', points: 12.5, minItems: 3 },
      cooldownSec: 600,
      channels: { dashboard: false, webhooks: [], emails: ['a@example.org'] },
      mutedUntil: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      createdBy: 'ana',
    };
    const input = draftToInput(ruleToDraft(rule));
    expect(input).toEqual({
      name: 'Frames',
      type: 'frame_shift',
      enabled: false,
      severity: 'critical',
      filter: { sides: ['KP'], query: 'soldiers' },
      params: { interval: 'week', points: 12.5, minItems: 3 },
      cooldownSec: 600,
      channels: { dashboard: false, webhooks: [], emails: ['a@example.org'] },
    });
  });

  it('tells a running mute from one that is over', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(isMuted({ mutedUntil: '2026-01-01T13:00:00Z' }, now)).toBe(true);
    expect(isMuted({ mutedUntil: '2026-01-01T11:00:00Z' }, now)).toBe(false);
    expect(isMuted({ mutedUntil: null }, now)).toBe(false);
  });
});
