import { Script } from 'node:vm';
import { DEMO_PAGE } from './assets/demo-page';
import { WIDGET_SCRIPT } from './assets/widget-script';
import { WIDGET_STYLE } from './assets/widget-style';

describe('widget assets', () => {
  it('the widget script is valid JavaScript', () => {
    expect(() => new Script(WIDGET_SCRIPT, { filename: 'widget.js' })).not.toThrow();
  });

  it('the widget never parses message text as HTML', () => {
    expect(WIDGET_SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });

  it('the widget makes no request to a third party: the only absolute URL is the SVG namespace', () => {
    const urls = WIDGET_SCRIPT.match(/https?:\/\/[^\s'")]+/g) ?? [];
    expect(urls).toEqual(['http://www.w3.org/2000/svg']);
    expect(WIDGET_STYLE).not.toMatch(/url\(|@import|https?:/);
  });

  it('the demo page has no inline script, style or event handler (it runs under a strict CSP)', () => {
    expect(DEMO_PAGE).not.toMatch(/\son[a-z]+\s*=/i);
    expect(DEMO_PAGE).not.toMatch(/<style|\sstyle\s*=/i);
    const scripts = DEMO_PAGE.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).toMatch(/src="widget\.js"/);
  });
});
