/**
 * GET /: a fake salon landing page that embeds the widget from this instance, so an engineer can try the chat in
 * a browser. No inline scripts, styles or event handlers: it is served under a strict Content-Security-Policy,
 * which proves the widget works on sites that have one. Asset URLs are relative, so the page also works when
 * Volna sits behind a reverse proxy under a path prefix.
 */
export const DEMO_PAGE = String.raw`<!doctype html>
<html lang="ru">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Салон красоты «Лаванда» — демо чата Volna</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="demo.css" />
  </head>
  <body>
    <p class="demo-note">Демо-страница Volna: так чат выглядит на сайте клиента. Сообщения попадают в этот экземпляр.</p>
    <header class="hero">
      <h1>Салон красоты «Лаванда»</h1>
      <p>Маникюр, стрижки, окрашивание и уход за лицом в центре города.</p>
      <p>Работаем ежедневно с 9:00 до 21:00. Запишитесь в чате — ответим за пару секунд.</p>
    </header>
    <main>
      <section>
        <h2>Услуги</h2>
        <ul class="prices">
          <li><span>Маникюр с покрытием</span><span>от 1 800 ₽</span></li>
          <li><span>Женская стрижка</span><span>от 1 500 ₽</span></li>
          <li><span>Окрашивание</span><span>от 3 500 ₽</span></li>
          <li><span>Чистка лица</span><span>от 2 800 ₽</span></li>
        </ul>
      </section>
      <section>
        <h2>Как подключить чат на сайт</h2>
        <p>Вставьте перед закрывающим тегом body:</p>
        <pre><code>&lt;script src="https://адрес-volna/widget.js"
        data-title="Салон «Лаванда»"
        data-privacy-url="https://ваш-сайт/privacy"
        async&gt;&lt;/script&gt;</code></pre>
        <p>
          Если на сайте настроен Content-Security-Policy, разрешите адрес Volna в script-src, style-src и
          connect-src.
        </p>
      </section>
      <section id="privacy">
        <h2>Политика обработки персональных данных</h2>
        <p>
          Здесь будет политика конфиденциальности вашего клиента. Виджет ссылается на неё из согласия на обработку
          персональных данных (атрибут data-privacy-url).
        </p>
      </section>
    </main>
    <footer>Салон «Лаванда» · демонстрационная страница</footer>
    <script src="widget.js" data-title="Салон «Лаванда»" data-privacy-url="#privacy" async></script>
  </body>
</html>
`;

export const DEMO_STYLE = String.raw`*,
*::before,
*::after {
  box-sizing: border-box;
}

body {
  margin: 0;
  font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;
  color: #2b2433;
  background: #faf7fc;
}

.demo-note {
  margin: 0;
  padding: 8px 16px;
  background: #fff4d6;
  color: #6b4e00;
  font-size: 14px;
  text-align: center;
}

.hero {
  padding: 48px 20px 40px;
  background: linear-gradient(135deg, #ede4f7, #f9e8f0);
  text-align: center;
}

.hero h1 {
  margin: 0 0 12px;
  font-size: clamp(28px, 6vw, 44px);
  color: #4c1d95;
}

.hero p {
  max-width: 560px;
  margin: 0 auto 8px;
}

main {
  max-width: 720px;
  margin: 0 auto;
  padding: 24px 20px 120px;
}

h2 {
  color: #4c1d95;
}

.prices {
  margin: 0;
  padding: 0;
  list-style: none;
}

.prices li {
  display: flex;
  justify-content: space-between;
  gap: 16px;
  padding: 10px 0;
  border-bottom: 1px solid #e6dcef;
}

pre {
  padding: 12px;
  overflow-x: auto;
  background: #ffffff;
  border: 1px solid #e6dcef;
  border-radius: 8px;
  font-size: 13px;
}

footer {
  padding: 24px 20px;
  color: #6b6275;
  font-size: 14px;
  text-align: center;
}
`;
