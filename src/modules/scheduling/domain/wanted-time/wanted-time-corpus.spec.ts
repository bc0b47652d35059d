import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { parseWantedTime } from './index';

interface CorpusMessage {
  text: string;
  slots: { date?: string; time?: string };
}

/** The labelled dev corpus (a copy of shared/corpus/triage-dev.jsonl): `slots.date` / `slots.time` are verbatim. */
const corpus: CorpusMessage[] = readFileSync(
  path.resolve(__dirname, '../../../../../test/fixtures/triage-dev.jsonl'),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as CorpusMessage);

const now = DateTime.fromISO('2026-11-24T10:30', { zone: 'Asia/Krasnoyarsk' });
const parse = (text: string) => parseWantedTime(text, now, { zone: 'Asia/Krasnoyarsk' });
const hasWhen = (m: CorpusMessage): boolean => m.slots.date !== undefined || m.slots.time !== undefined;

describe('parseWantedTime on the labelled corpus', () => {
  it('finds a wanted interval in at least 90% of the messages labelled with a date or a time', () => {
    const labelled = corpus.filter(hasWhen);
    const misses = labelled.filter((m) => parse(m.text) === null);
    const coverage = 1 - misses.length / labelled.length;
    if (coverage < 0.9) {
      console.log(
        `wanted time found in ${labelled.length - misses.length}/${labelled.length}; misses:\n` +
          misses.map((m) => `  [${m.slots.date ?? ''} | ${m.slots.time ?? ''}] ${m.text}`).join('\n'),
      );
    }
    expect(labelled.length).toBeGreaterThan(90);
    expect(coverage).toBeGreaterThanOrEqual(0.9);
  });

  it('rarely finds a time in messages labelled with none (greetings, prices, ages, car models)', () => {
    const unlabelled = corpus.filter((m) => !hasWhen(m));
    const found = unlabelled.filter((m) => parse(m.text) !== null);
    if (found.length / unlabelled.length > 0.1) {
      console.log(`time found where none is labelled:\n${found.map((m) => `  ${m.text}`).join('\n')}`);
    }
    expect(found.length / unlabelled.length).toBeLessThanOrEqual(0.1);
  });

  it('gives well-formed intervals for every message at any moment of the week and year', () => {
    const moments = [
      now,
      now.set({ hour: 6 }),
      now.set({ hour: 22, minute: 15 }),
      DateTime.fromISO('2026-11-29T20:59', { zone: 'Asia/Krasnoyarsk' }), // Sunday, a minute before closing
      DateTime.fromISO('2026-12-31T23:30', { zone: 'Asia/Krasnoyarsk' }),
      DateTime.fromISO('2027-01-05T12:00', { zone: 'Asia/Krasnoyarsk' }),
      DateTime.fromISO('2028-02-29T09:00', { zone: 'Asia/Krasnoyarsk' }),
    ];
    for (const moment of moments) {
      for (const { text } of corpus) {
        const intervals = parseWantedTime(text, moment, { zone: 'Asia/Krasnoyarsk' });
        if (intervals === null) continue;
        expect(intervals.length).toBeGreaterThan(0);
        intervals.forEach((interval, i) => {
          expect(interval.from.isValid && interval.to.isValid).toBe(true);
          expect(interval.from.zoneName).toBe('Asia/Krasnoyarsk');
          expect(+interval.from <= +interval.to).toBe(true);
          if (interval.exact) expect(+interval.to).toBe(+interval.from);
          if (i > 0) expect(+intervals[i - 1].from <= +interval.from).toBe(true);
        });
      }
    }
  });
});
