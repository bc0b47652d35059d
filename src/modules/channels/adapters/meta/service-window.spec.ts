import { insideServiceWindow } from './service-window';

describe('insideServiceWindow', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const HOUR = 3600_000;

  it('is open for 24 hours after the client wrote, less a minute of margin', () => {
    expect(insideServiceWindow(ago(5 * 60_000), now)).toBe(true);
    expect(insideServiceWindow(ago(23 * HOUR + 58 * 60_000), now)).toBe(true);
    expect(insideServiceWindow(ago(24 * HOUR - 30_000), now)).toBe(false);
    expect(insideServiceWindow(ago(25 * HOUR), now)).toBe(false);
  });

  it('is closed when we do not know when the client last wrote', () => {
    expect(insideServiceWindow(null, now)).toBe(false);
  });
});
