import { addressOf, freeFormMessage, templateMessage } from './whatsapp.payloads';

const to = { to: '79161234567' };

describe('WhatsApp message bodies', () => {
  it('plain text without buttons', () => {
    expect(freeFormMessage(to, 'Вы записаны на 12:00', [])).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '79161234567',
      type: 'text',
      text: { preview_url: false, body: 'Вы записаны на 12:00' },
    });
  });

  it('up to 3 short buttons: reply buttons', () => {
    const body = freeFormMessage(to, 'Когда удобно?', ['Сегодня', 'Завтра', 'Послезавтра']);
    expect(body).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Когда удобно?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'option-1', title: 'Сегодня' } },
            { type: 'reply', reply: { id: 'option-2', title: 'Завтра' } },
            { type: 'reply', reply: { id: 'option-3', title: 'Послезавтра' } },
          ],
        },
      },
    });
  });

  it('more than 3 buttons, or a title over 20 characters: a list of up to 10 rows', () => {
    const labels = ['Маникюр', 'Педикюр', 'Стрижка', 'Окрашивание'];
    expect(freeFormMessage(to, 'Какая услуга?', labels)).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'list',
        action: {
          button: 'Выбрать',
          sections: [{ rows: labels.map((title, i) => ({ id: `option-${i + 1}`, title })) }],
        },
      },
    });
    expect(freeFormMessage(to, 'Какая услуга?', ['Маникюр с покрытием'])).toMatchObject({
      interactive: { type: 'button' },
    });
    expect(freeFormMessage(to, 'Какая услуга?', ['Маникюр с покрытием гель'])).toMatchObject({
      interactive: { type: 'list' },
    });
  });

  it('labels too long even for a list, or more than 10: numbered lines under the text, nothing cut', () => {
    const long = 'Консультация врача-косметолога';
    expect(freeFormMessage(to, 'Что вас интересует?', ['Чистка лица', long])).toEqual(
      expect.objectContaining({
        type: 'text',
        text: { preview_url: false, body: `Что вас интересует?\n\n1. Чистка лица\n2. ${long}` },
      }),
    );
    const eleven = Array.from({ length: 11 }, (_, i) => `${10 + i}:00`);
    expect(freeFormMessage(to, 'Время?', eleven)).toMatchObject({ type: 'text' });
  });

  it('duplicate labels cannot be buttons', () => {
    expect(freeFormMessage(to, 'Да?', ['Да', 'Да'])).toMatchObject({ type: 'text' });
  });

  it('a template with the reply as its one body parameter, on one line', () => {
    const body = templateMessage(to, { name: 'volna_reply', language: 'ru' }, 'Здравствуйте!\nВы записаны  на 12:00', [
      'Подтвердить',
      'Перенести',
    ]);
    expect(body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '79161234567',
      type: 'template',
      template: {
        name: 'volna_reply',
        language: { policy: 'deterministic', code: 'ru' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Здравствуйте! Вы записаны на 12:00 Варианты: 1) Подтвердить; 2) Перенести.' },
            ],
          },
        ],
      },
    });
  });

  it('addresses a wa_id with `to` and a business-scoped user id with `recipient`', () => {
    expect(addressOf('79161234567')).toEqual({ to: '79161234567' });
    expect(addressOf('RU.13491208655302741918')).toEqual({ recipient: 'RU.13491208655302741918' });
  });
});
