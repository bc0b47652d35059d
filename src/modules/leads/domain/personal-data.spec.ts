import { eventNeedles, retentionCutoffs } from './personal-data';

describe('personal data rules', () => {
  it('finds raw events by channel ids, as strings and as the numbers Telegram and VK send, and by the phone', () => {
    expect(eventNeedles(['310000001', 'sess-abc_123'], '+79131234567')).toEqual([
      '310000001',
      310000001,
      'sess-abc_123',
      '+79131234567',
      '79131234567',
    ]);
  });

  it('skips ids already erased and ids too long to be exact numbers', () => {
    expect(eventNeedles(['erased:0b4e', '1234567890123456789'], null)).toEqual(['1234567890123456789']);
  });

  it('counts retention back from now, in days', () => {
    const now = new Date('2025-06-30T12:00:00Z');
    expect(retentionCutoffs(now, { messageDays: 365, inboundEventDays: 30 })).toEqual({
      messagesBefore: new Date('2024-06-30T12:00:00Z'),
      inboundEventsBefore: new Date('2025-05-31T12:00:00Z'),
    });
  });
});
