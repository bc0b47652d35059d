import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

describe('admin: GET /api/admin/v1/leads', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp(testEnv());
  });
  afterAll(async () => {
    await running?.close();
  });

  const leads = (query = '', admin = true, headers: Record<string, string> = {}) =>
    request(`${running.url}/api/admin/v1/leads${query}`, { admin, headers });

  it('401 problem+json without a token or with a wrong one', async () => {
    for (const answer of [
      await leads('', false),
      await leads('', false, { authorization: 'Bearer wrong-token-0123456789' }),
    ]) {
      expect(answer.status).toBe(401);
      expect(answer.contentType).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
  });

  it('lists leads newest first with their CRM state, paged', async () => {
    const conversations: string[] = [];
    for (const text of ['запишите на маникюр в пятницу в 3', 'сколько стоит педикюр?', 'позовите администратора']) {
      const answer = await request(`${running.url}/api/v1/webchat/messages`, {
        body: { sessionId: webchatId('s'), clientMessageId: webchatId('m'), text },
      });
      conversations.push(answer.body.conversationId);
    }
    const page = await waitFor(
      async () => {
        const answer = await leads();
        return (
          answer.body.items?.length === 3 &&
          answer.body.items.every((l: any) => l.crm.status === 'delivered') &&
          answer.body
        );
      },
      { what: 'three delivered leads' },
    );

    expect(page).toMatchObject({ page: 1, pageSize: 50, total: 3 });
    expect(page.items[0]).toEqual({
      id: expect.any(String),
      contactId: expect.any(String),
      channel: 'webchat',
      intent: 'human',
      urgency: expect.stringMatching(/^(hot|cold)$/),
      status: 'escalated',
      createdAt: expect.any(String),
      crm: { provider: 'local', externalId: expect.any(String), status: 'delivered', attempts: 1 },
    });
    expect(page.items.map((l: any) => l.intent)).toEqual(['human', 'price', 'booking']);

    const second = await leads('?page=2&pageSize=2');
    expect(second.body).toMatchObject({ page: 2, pageSize: 2, total: 3 });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].intent).toBe('booking');
  });

  it('400 with the field for bad paging', async () => {
    const answer = await leads('?pageSize=1000');
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ field: 'pageSize', message: expect.stringContaining('200') }]);
  });
});
