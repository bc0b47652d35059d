import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Normalizes a phone as people write it ("8 (913) 123-45-67", "+7 913 1234567") to E.164, or null. */
export function normalizePhone(raw: string, defaultRegion: CountryCode = 'RU'): string | null {
  const phone = parsePhoneNumberFromString(raw, defaultRegion);
  return phone?.isValid() ? phone.number : null;
}

/** Keeps the country code and the last two digits: "+7*******67". Safe for logs. */
export function maskPhone(e164: string): string {
  if (e164.length <= 5) return '*'.repeat(e164.length);
  return e164.slice(0, 2) + '*'.repeat(e164.length - 4) + e164.slice(-2);
}
