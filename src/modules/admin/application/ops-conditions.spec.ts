import {
  OverSince,
  crmCircuitCondition,
  deadLettersCondition,
  llmCircuitCondition,
  queueBacklogCondition,
  type OpsThresholds,
} from './ops-conditions';

const limits: OpsThresholds = {
  backlogAlert: 500,
  backlogAlertAfterMs: 120_000,
  deadLettersAlert: 10,
  deadLettersWindowMinutes: 15,
};

describe('operational conditions', () => {
  it('a queue is behind only after staying over the threshold long enough; under it, clear at once', () => {
    const over = new OverSince();
    const look = (ready: number, now: number) =>
      queueBacklogCondition('crm.sync', ready, over.observe('crm.sync', ready > limits.backlogAlert, now), limits)
        .status;

    expect(look(500, 0)).toBe('clear'); // at the threshold is not over it
    expect(look(501, 1_000)).toBe('undecided');
    expect(look(900, 119_999)).toBe('undecided');
    expect(look(900, 121_000)).toBe('firing');
    expect(look(900, 200_000)).toBe('firing');
    expect(look(10, 210_000)).toBe('clear');
    expect(look(600, 220_000)).toBe('undecided'); // over again: the wait starts again
  });

  it('a backlog that cannot be read changes nothing', () => {
    expect(queueBacklogCondition('crm.sync', null, null, limits).status).toBe('undecided');
    expect(deadLettersCondition(null, limits).status).toBe('undecided');
    expect(crmCircuitCondition('bitrix24', null).status).toBe('undecided');
  });

  it('names the queue, the figures and the threshold in Russian', () => {
    const backlog = queueBacklogCondition('triage.process', 812, 180_000, limits);
    expect(backlog.key).toBe('queue-backlog:triage.process');
    expect(backlog.alert).toEqual({
      title: 'Очередь triage.process не успевает: больше 500 задач ждут обработки',
      sample: 'в очереди 812 задач, больше порога 500 уже 3 мин',
    });
    expect(queueBacklogCondition('triage.process', 812, 2_500, limits).alert.sample).toMatch(/уже 2\.5 с$/);
    expect(backlog.recovery.title).toBe('Очередь triage.process снова успевает');
  });

  it('dead letters grow when more than the threshold arrive within the window', () => {
    expect(deadLettersCondition(10, limits).status).toBe('clear');
    const growing = deadLettersCondition(11, limits);
    expect(growing.status).toBe('firing');
    expect(growing.alert.title).toMatch(/11 за 15 мин/);
  });

  it('the CRM circuit is open while deliveries wait; the LLM one while its breaker is not closed', () => {
    expect(crmCircuitCondition('amocrm', 0).status).toBe('clear');
    expect(crmCircuitCondition('amocrm', 2)).toMatchObject({
      key: 'crm-circuit',
      status: 'firing',
      alert: { title: 'CRM (amocrm) не принимает лиды: доставка отложена до её ответа' },
    });
    expect(llmCircuitCondition('worker-1', true)).toMatchObject({ key: 'llm-circuit:worker-1', status: 'firing' });
    expect(llmCircuitCondition('worker-1', false).status).toBe('clear');
  });
});
