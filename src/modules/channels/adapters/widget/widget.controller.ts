import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DEMO_PAGE, DEMO_STYLE } from './assets/demo-page';
import { WIDGET_SCRIPT } from './assets/widget-script';
import { WIDGET_STYLE } from './assets/widget-style';

/** Short enough that a fix reaches every site within minutes; Express adds an ETag, so a re-check is cheap. */
const ASSET_CACHE = 'public, max-age=300';

/** The demo page allows only this origin: the widget must work on sites with a strict policy. */
const DEMO_PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The embeddable website chat (GET /widget.js and its stylesheet) and a demo page to try it (GET /). Public. */
@ApiExcludeController()
@Controller()
export class WidgetController {
  @Get('widget.js')
  @Header('Content-Type', 'application/javascript; charset=utf-8')
  @Header('Cache-Control', ASSET_CACHE)
  @Header('X-Content-Type-Options', 'nosniff')
  script(): string {
    return WIDGET_SCRIPT;
  }

  @Get('widget.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', ASSET_CACHE)
  @Header('X-Content-Type-Options', 'nosniff')
  style(): string {
    return WIDGET_STYLE;
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('Content-Security-Policy', DEMO_PAGE_POLICY)
  @Header('X-Content-Type-Options', 'nosniff')
  demoPage(): string {
    return DEMO_PAGE;
  }

  @Get('demo.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', ASSET_CACHE)
  @Header('X-Content-Type-Options', 'nosniff')
  demoStyle(): string {
    return DEMO_STYLE;
  }
}
