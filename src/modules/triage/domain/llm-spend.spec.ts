import { costRub, localDay } from './llm-spend';

describe('LLM spend', () => {
  it('prices prompt and completion tokens per thousand', () => {
    expect(costRub({ inputTokens: 1500, outputTokens: 500 }, { inputRubPer1k: 0.2, outputRubPer1k: 0.4 })).toBeCloseTo(
      0.5,
    );
    expect(costRub({ inputTokens: 0, outputTokens: 0 }, { inputRubPer1k: 1, outputRubPer1k: 1 })).toBe(0);
  });

  it("counts by the business's day, not UTC's", () => {
    // 17:30 UTC is 00:30 the next day in Krasnoyarsk (UTC+7).
    expect(localDay(new Date('2026-12-03T17:30:00Z'), 'Asia/Krasnoyarsk')).toBe('2026-12-04');
    expect(localDay(new Date('2026-12-03T16:59:00Z'), 'Asia/Krasnoyarsk')).toBe('2026-12-03');
    expect(localDay(new Date('2026-12-03T23:30:00Z'), 'UTC')).toBe('2026-12-03');
  });
});
