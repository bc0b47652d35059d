import { randomBytes } from 'node:crypto';
import { FakeHttpServer, type Fault, type FakeRequest, type FakeResponse } from '../fake-http-server';

export const GRAPH_VERSION = 'v24.0';

export interface FakeGraphOptions {
  whatsapp: { phoneNumberId: string; token: string; templates?: Array<{ name: string; language: string }> };
  instagram: { token: string; accountId: string };
}

export interface SentWhatsApp {
  id: string;
  /** The wa_id (or the business-scoped user id for `recipient`). */
  to: string;
  type: 'text' | 'interactive' | 'template';
  /** What the client sees: the text body, the interactive body, or the template's first body parameter. */
  text: string;
  /** Reply-button or list-row titles. */
  options: string[];
  body: any;
}

export interface SentInstagram {
  id: string;
  recipientId: string;
  text: string;
  quickReplies: string[];
  body: any;
}

/** Graph's error answers as Meta sends them: status, `error` object, fbtrace_id. */
const ERRORS: Record<number, { status: number; message: string; type?: string; subcode?: number; details?: string }> = {
  131047: {
    status: 400,
    message: '(#131047) Re-engagement message',
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  130429: {
    status: 429,
    message: '(#130429) Rate limit hit',
    details: 'Cloud API message throughput has been reached.',
  },
  131056: { status: 400, message: '(#131056) (Business Account, Consumer Account) pair rate limit hit' },
  131026: { status: 400, message: '(#131026) Message undeliverable' },
  131000: { status: 500, message: '(#131000) Something went wrong', type: 'OAuthException' },
  132001: { status: 404, message: '(#132001) Template name does not exist in the translation' },
  190: {
    status: 401,
    message: 'Error validating access token: Session has expired.',
    subcode: 463,
  },
  100: { status: 400, message: '(#100) Invalid parameter' },
  4: { status: 400, message: '(#4) Application request limit reached' },
  2: { status: 503, message: '(#2) Service temporarily unavailable' },
  10: {
    status: 403,
    message: 'This message is sent outside of allowed window.',
    type: 'IGApiException',
    subcode: 2534022,
  },
  551: { status: 400, message: "This person isn't available right now.", subcode: 1545041 },
};

/** A Graph error answer: `graphError(131047)`, `graphError(100, { message })`. */
export function graphError(
  code: number,
  overrides: Partial<{ status: number; message: string; type: string; subcode: number; details: string }> = {},
): FakeResponse {
  const known = { ...(ERRORS[code] ?? { status: 400, message: `(#${code}) Error` }), ...overrides };
  return {
    status: known.status,
    headers:
      code === 190 ? { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Session has expired"' } : {},
    body: {
      error: {
        message: known.message,
        type: known.type ?? 'OAuthException',
        code,
        ...(known.subcode !== undefined ? { error_subcode: known.subcode } : {}),
        ...(known.details ? { error_data: { messaging_product: 'whatsapp', details: known.details } } : {}),
        fbtrace_id: randomBytes(8).toString('base64url'),
      },
    },
  };
}

/**
 * One fake Graph API for both Meta channels: `POST /<version>/<PHONE_NUMBER_ID>/messages` (WhatsApp Cloud API)
 * and `POST /<version>/me/messages` or `/<IG_ID>/messages` (Instagram Send API). It checks the Bearer token and
 * the limits Meta enforces (text lengths, button counts and titles, known templates), answers like Meta, keeps
 * what was sent, and fails on demand with Graph-shaped errors or hangs.
 */
export class FakeGraph extends FakeHttpServer {
  readonly whatsappSent: SentWhatsApp[] = [];
  readonly instagramSent: SentInstagram[] = [];
  url = '';

  constructor(readonly options: FakeGraphOptions) {
    super();
    this.route('POST', /^\/v\d+\.\d+\/[^/]+\/messages$/, (request) => this.messages(request));
  }

  override async start(port?: number): Promise<string> {
    this.url = await super.start(port);
    return this.url;
  }

  /** The value for WHATSAPP_GRAPH_BASE and INSTAGRAM_GRAPH_BASE. */
  get base(): string {
    return `${this.url}/${GRAPH_VERSION}`;
  }

  failWhatsApp(fault: Fault, times = 1): this {
    return this.failNext(fault, times, (request) => this.nodeOf(request) === this.options.whatsapp.phoneNumberId);
  }

  failInstagram(fault: Fault, times = 1): this {
    return this.failNext(fault, times, (request) => this.isInstagramNode(this.nodeOf(request)));
  }

  whatsappTo(waId: string): SentWhatsApp[] {
    return this.whatsappSent.filter((sent) => sent.to === waId);
  }

  instagramTo(igsid: string): SentInstagram[] {
    return this.instagramSent.filter((sent) => sent.recipientId === igsid);
  }

  private nodeOf(request: FakeRequest): string {
    return request.path.split('/')[2] ?? '';
  }

  private isInstagramNode(node: string): boolean {
    return node === 'me' || node === this.options.instagram.accountId;
  }

  private messages(request: FakeRequest): FakeResponse {
    const node = this.nodeOf(request);
    if (node === this.options.whatsapp.phoneNumberId) {
      return this.authorized(request, this.options.whatsapp.token) ?? this.whatsapp(request.body);
    }
    if (this.isInstagramNode(node)) {
      return this.authorized(request, this.options.instagram.token) ?? this.instagram(request.body);
    }
    return graphError(100, {
      message: `Unsupported post request. Object with ID '${node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      subcode: 33,
    });
  }

  /** Bearer header or access_token query, as Graph accepts both. */
  private authorized(request: FakeRequest, token: string): FakeResponse | null {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : request.query.get('access_token');
    if (!given)
      return graphError(2500, {
        status: 400,
        message: 'An active access token must be used to query information about the current user.',
      });
    if (given !== token)
      return graphError(190, { message: 'Invalid OAuth access token - Cannot parse access token', subcode: undefined });
    return null;
  }

  private whatsapp(body: any): FakeResponse {
    if (body?.messaging_product !== 'whatsapp') {
      return invalid('(#100) The parameter messaging_product is required.');
    }
    const to: unknown = body.to ?? body.recipient;
    if (typeof to !== 'string' || !to) return invalid('(#100) The parameter to is required.');
    let sent: Omit<SentWhatsApp, 'id' | 'to' | 'body'>;
    if (body.type === 'text') {
      const text = body.text?.body;
      if (typeof text !== 'string' || !text.trim()) return invalid("(#100) The parameter text['body'] is required.");
      if (text.length > 4096) return invalid("(#100) Param text['body'] must be at most 4096 characters long.");
      sent = { type: 'text', text, options: [] };
    } else if (body.type === 'interactive') {
      const problem = interactiveProblem(body.interactive);
      if (problem) return invalid(`(#131009) Parameter value is not valid`, 131009, problem);
      const interactive = body.interactive;
      const options =
        interactive.type === 'button'
          ? interactive.action.buttons.map((b: any) => b.reply.title)
          : interactive.action.sections.flatMap((s: any) => s.rows.map((r: any) => r.title));
      sent = { type: 'interactive', text: interactive.body.text, options };
    } else if (body.type === 'template') {
      const { name, language, components } = body.template ?? {};
      if (typeof name !== 'string' || typeof language?.code !== 'string') {
        return invalid("(#100) The parameter template['name'] is required.");
      }
      const templates = this.options.whatsapp.templates;
      if (templates && !templates.some((t) => t.name === name && t.language === language.code)) {
        return graphError(132001, { details: `template name (${name}) does not exist in ${language.code}` });
      }
      const parameter = components?.find((c: any) => c.type === 'body')?.parameters?.[0]?.text;
      if (typeof parameter === 'string' && /[\n\t]| {5,}/.test(parameter)) {
        return invalid('(#132018) There was an issue with the parameters in your template.', 132018);
      }
      sent = { type: 'template', text: parameter ?? '', options: [] };
    } else {
      return invalid(
        `(#100) Param type must be one of {AUDIO, CONTACTS, DOCUMENT, IMAGE, INTERACTIVE, LOCATION, REACTION, STICKER, TEMPLATE, TEXT, VIDEO} - got "${String(body.type)}".`,
      );
    }
    const id = `wamid.${randomBytes(24).toString('base64')}`;
    this.whatsappSent.push({ id, to, body, ...sent });
    return {
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input: to, wa_id: to }],
        messages: [{ id, ...(sent.type === 'template' ? { message_status: 'accepted' } : {}) }],
      },
    };
  }

  private instagram(body: any): FakeResponse {
    const recipientId = body?.recipient?.id;
    if (typeof recipientId !== 'string' || !recipientId) return invalid('(#100) The parameter recipient is required');
    const text = body.message?.text;
    if (typeof text !== 'string' || !text) return invalid('(#100) param message must be non-empty.');
    if (Buffer.byteLength(text) > 1000) {
      return invalid('(#100) Length of param message[text] must be less than or equal to 1000');
    }
    const quickReplies: any[] = body.message.quick_replies ?? [];
    if (quickReplies.length > 13) return invalid('(#100) param message[quick_replies] must have at most 13 elements.');
    const id = `aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj${randomBytes(18).toString('base64url')}`;
    this.instagramSent.push({
      id,
      recipientId,
      text,
      quickReplies: quickReplies.map((q) => String(q.title).slice(0, 20)),
      body,
    });
    return { body: { recipient_id: recipientId, message_id: id } };
  }
}

function invalid(message: string, code = 100, details?: string): FakeResponse {
  return graphError(code, { status: 400, message, ...(details ? { details } : {}) });
}

function interactiveProblem(interactive: any): string | null {
  const text = interactive?.body?.text;
  if (typeof text !== 'string' || !text) return 'interactive body text is required';
  if (interactive.type === 'button') {
    const buttons = interactive.action?.buttons ?? [];
    if (buttons.length < 1 || buttons.length > 3) return 'buttons: 1 to 3';
    if (text.length > 1024) return 'body text: at most 1024 characters';
    if (buttons.some((b: any) => typeof b.reply?.title !== 'string' || b.reply.title.length > 20)) {
      return 'button title: at most 20 characters';
    }
    if (new Set(buttons.map((b: any) => b.reply.id)).size !== buttons.length) return 'button ids must be unique';
    return null;
  }
  if (interactive.type === 'list') {
    const rows = (interactive.action?.sections ?? []).flatMap((s: any) => s.rows ?? []);
    if (rows.length < 1 || rows.length > 10) return 'rows: 1 to 10';
    if (typeof interactive.action.button !== 'string' || interactive.action.button.length > 20) {
      return 'list button: at most 20 characters';
    }
    if (rows.some((r: any) => typeof r.title !== 'string' || r.title.length > 24))
      return 'row title: at most 24 characters';
    return null;
  }
  return `interactive type ${String(interactive?.type)} is not supported here`;
}
