/** A slot the bot offered as a button; `label` is the button's text, which comes back when it is pressed. */
export interface OfferedSlot {
  label: string;
  staffId: string;
  startsAt: string;
  holdId?: string;
}

/** A booking being put together over several messages. */
export interface BookingDraft {
  serviceId?: string;
  serviceName?: string;
  /** Set when the draft moves an existing appointment rather than making a new one. */
  rescheduleOf?: string;
  offered?: OfferedSlot[];
  /** The slot the client picked while the bot still needs their phone. */
  chosen?: OfferedSlot;
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
}

export interface Dialog {
  conversationId: string;
  state: DialogState;
  /** A person has taken over: the bot records messages but does not answer. */
  handedOff: boolean;
}
