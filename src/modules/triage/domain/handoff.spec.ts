import { handoffReason } from './handoff';
import type { TriageResult } from './triage-result';

const triage = (overrides: Partial<TriageResult>): TriageResult => ({
  intent: 'booking',
  confidence: 0.9,
  urgency: 'cold',
  escalate: false,
  slots: {},
  ...overrides,
});

describe('handoffReason', () => {
  it.each([
    [{ escalate: true }, 'escalate'],
    [{ intent: 'consultation' as const }, 'consultation'],
    [{ intent: 'complaint' as const }, 'complaint'],
    [{ intent: 'human' as const }, 'human'],
    [{ intent: 'price' as const, confidence: 0.2 }, 'low-confidence'],
  ])('%j hands off (%s)', (overrides, reason) => {
    expect(handoffReason(triage(overrides))).toBe(reason);
  });

  it.each([
    [{}],
    [{ intent: 'other' as const, confidence: 0.1 }],
    [{ intent: 'spam' as const, confidence: 0.1 }],
    [{ intent: 'address' as const, confidence: 0.6 }],
  ])('%j stays with the bot', (overrides) => {
    expect(handoffReason(triage(overrides))).toBeNull();
  });
});
