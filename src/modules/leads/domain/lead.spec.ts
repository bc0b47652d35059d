import { refineLead, type LeadAssessment, type LeadState } from './lead';

const asked = (over: Partial<LeadAssessment> = {}): LeadAssessment => ({
  intent: 'price',
  urgency: 'cold',
  escalate: false,
  details: {},
  ...over,
});

const lead = (over: Partial<LeadState> = {}): LeadState => ({
  intent: 'book',
  urgency: 'cold',
  escalate: false,
  status: 'new',
  details: {},
  ...over,
});

describe('refineLead', () => {
  it('opens a lead with what the first message says', () => {
    expect(refineLead(null, asked({ intent: 'book', urgency: 'hot', details: { service: 'стрижка' } }))).toEqual({
      intent: 'book',
      urgency: 'hot',
      escalate: false,
      status: 'new',
      details: { service: 'стрижка' },
    });
  });

  it('opens a lead even from a vague first message', () => {
    expect(refineLead(null, asked({ intent: 'other' })).intent).toBe('other');
  });

  it('lets a real intent replace a vague one, never the other way round', () => {
    expect(refineLead(lead({ intent: 'other' }), asked({ intent: 'book' })).intent).toBe('book');
    expect(refineLead(lead({ intent: 'book' }), asked({ intent: 'other' })).intent).toBe('book');
    expect(refineLead(lead({ intent: 'book' }), asked({ intent: 'cancel' })).intent).toBe('cancel');
  });

  it('keeps a lead hot once any message was hot', () => {
    expect(refineLead(lead({ urgency: 'hot' }), asked({ urgency: 'cold' })).urgency).toBe('hot');
    expect(refineLead(lead({ urgency: 'cold' }), asked({ urgency: 'hot' })).urgency).toBe('hot');
    expect(refineLead(lead({ urgency: 'cold' }), asked({ urgency: 'cold' })).urgency).toBe('cold');
  });

  it('makes the lead escalated when a message needs a person, and keeps it so', () => {
    const escalated = refineLead(lead(), asked({ escalate: true }));
    expect(escalated).toMatchObject({ escalate: true, status: 'escalated' });
    expect(refineLead(escalated, asked({ intent: 'price' }))).toMatchObject({ escalate: true, status: 'escalated' });
  });

  it('keeps a booked or cancelled visit as the status while the client asks other things', () => {
    expect(refineLead(lead({ status: 'booked' }), asked({ intent: 'address' })).status).toBe('booked');
    expect(refineLead(lead({ status: 'cancelled' }), asked()).status).toBe('cancelled');
  });

  it('takes the status of what the conversation did over every other rule', () => {
    expect(refineLead(lead({ status: 'cancelled' }), asked({ status: 'booked' })).status).toBe('booked');
    expect(refineLead(lead({ escalate: true, status: 'escalated' }), asked({ status: 'booked' })).status).toBe(
      'booked',
    );
  });

  it('escalates a booked lead when a later message needs a person', () => {
    expect(refineLead(lead({ status: 'booked' }), asked({ escalate: true })).status).toBe('escalated');
  });

  it('accumulates details, a newer value replacing an older one', () => {
    const refined = refineLead(
      lead({ details: { service: 'стрижка', date: '2026-12-05' } }),
      asked({ details: { date: '2026-12-06', time: '18:00' } }),
    );
    expect(refined.details).toEqual({ service: 'стрижка', date: '2026-12-06', time: '18:00' });
  });

  it('does not change the lead it refines', () => {
    const previous = lead({ details: { service: 'стрижка' } });
    refineLead(previous, asked({ details: { time: '18:00' }, escalate: true }));
    expect(previous).toEqual(lead({ details: { service: 'стрижка' } }));
  });
});
