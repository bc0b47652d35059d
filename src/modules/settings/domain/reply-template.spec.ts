import { renderTemplate, templateProblem } from './reply-template';

describe('reply templates', () => {
  it.each([
    'Ждём вас по адресу {address}!',
    'Здравствуйте, {name}! Записываю на {service} {date} {time}. Телефон: {phone}, часы: {hours}.',
    'Без переменных вовсе',
  ])('accepts %p', (template) => {
    expect(templateProblem(template)).toBeNull();
  });

  it.each([
    ['Цена {price} руб.', 'unknown variable {price}'],
    ['Привет, {Name}', 'unknown variable {Name}'],
    ['Пустые {} скобки', 'unknown variable {}'],
    ['Запись на {date', 'unclosed "{" at position 11'],
    ['Запись {на {date}', 'unclosed "{" at position 8'],
    ['Запись на date}', 'unmatched "}" at position 15'],
    ['{service}} лишняя', 'unmatched "}" at position 10'],
    ['   ', 'must not be empty'],
  ])('rejects %p: %s', (template, problem) => {
    expect(templateProblem(template)).toContain(problem);
  });

  it('names the allowed variables when one is unknown', () => {
    expect(templateProblem('{price}')).toContain('{service} {date} {time} {name} {address} {phone} {hours}');
  });

  it('fills the variables and leaves no trace of the missing ones', () => {
    const template = 'Здравствуйте, {name}! Записываю на {service} {date} {time}.';
    expect(renderTemplate(template, { name: 'Катя', service: 'маникюр', date: 'в пятницу', time: 'в 15:00' })).toBe(
      'Здравствуйте, Катя! Записываю на маникюр в пятницу в 15:00.',
    );
    expect(renderTemplate(template, { service: 'маникюр', time: 'в 15:00' })).toBe(
      'Здравствуйте! Записываю на маникюр в 15:00.',
    );
    expect(renderTemplate('{name}, добрый день!', {})).toBe('Добрый день!');
    expect(renderTemplate('Адрес: {address}\nЧасы: {hours}', { address: 'Мира, 1', hours: 'ежедневно' })).toBe(
      'Адрес: Мира, 1\nЧасы: ежедневно',
    );
  });

  it('never reads a value as a template', () => {
    expect(renderTemplate('Услуга: {service}.', { service: '{name}' })).toBe('Услуга: {name}.');
  });
});
