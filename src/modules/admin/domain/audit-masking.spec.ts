import { MASKED, maskSensitive } from './audit-masking';

describe('maskSensitive', () => {
  it('hides secrets and phones at any depth and keeps everything else', () => {
    expect(
      maskSensitive({
        name: 'Маникюр',
        apiToken: 'abcdef0123456789',
        crm: { password: 'hunter2', clientSecret: { nested: 'x' }, webhookUrl: 'https://b24.example/rest/1/x/' },
        contact: { phone: '+79131234567', phones: ['+79131112233', 89131112233] },
        tags: [{ api_key: 'k' }, 'plain'],
        count: 3,
        empty: null,
      }),
    ).toEqual({
      name: 'Маникюр',
      apiToken: MASKED,
      crm: { password: MASKED, clientSecret: { nested: MASKED }, webhookUrl: 'https://b24.example/rest/1/x/' },
      contact: { phone: '+7********67', phones: ['+7********33', MASKED] },
      tags: [{ api_key: MASKED }, 'plain'],
      count: 3,
      empty: null,
    });
  });

  it('leaves scalars and arrays without keys as they are', () => {
    expect(maskSensitive('text')).toBe('text');
    expect(maskSensitive([1, 'a'])).toEqual([1, 'a']);
    expect(maskSensitive(undefined)).toBeUndefined();
  });
});
