import type { Language } from './triage-result';

/** A slot the bot offered as a button; `label` is the button's text, which comes back when it is pressed. */
export interface OfferedSlot {
  label: string;
  staffId: string;
  /** ISO instant. */
  startsAt: string;
  holdId?: string;
}

/** A stretch of time the client asked for, as ISO instants in the business zone. */
export interface WantedSpan {
  from: string;
  to: string;
  /** A clock time was named: the client wants that moment. */
  exact: boolean;
}

/** A booking being put together over several messages. */
export interface BookingDraft {
  serviceId?: string;
  serviceName?: string;
  /** The services a vague name fits ("стрижка"), while the bot asks which one. */
  serviceOptions?: Array<{ id: string; name: string }>;
  /** What the client said about the day and time, kept until it is replaced. */
  wanted?: WantedSpan[];
  offered?: OfferedSlot[];
  /** The slot the client picked while the bot still needs their phone. */
  chosen?: OfferedSlot;
  /** Set when the draft moves an existing appointment rather than making a new one. */
  rescheduleOf?: string;
  /** The start of the visit being moved: "the same time on Monday" keeps its clock time. */
  rescheduleFrom?: string;
  awaiting?: 'service' | 'time' | 'slot' | 'contact';
}

/** An action that waits for the client's yes. */
export interface PendingConfirmation {
  kind: 'cancel';
  appointmentId: string;
}

export interface DialogState {
  booking?: BookingDraft;
  pending?: PendingConfirmation;
  /** The language of the conversation, from the client's last message with words. */
  lang?: Language;
  /** The visit booked or moved last in this conversation, for a thank-you after it. */
  lastVisit?: { service: string; startsAt: string };
}

export interface Dialog {
  conversationId: string;
  state: DialogState;
  /** A person has taken over: the bot records messages but does not answer. */
  handedOff: boolean;
}
