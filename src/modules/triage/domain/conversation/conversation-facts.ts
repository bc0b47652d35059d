import type { BusinessPresetName } from '../business-presets';
import type { ReplyOverrides } from './reply-catalogue';

/** A bookable service. */
export interface ServiceFact {
  id: string;
  name: string;
  priceRub: number | null;
}

/** One of the client's upcoming visits. */
export interface VisitFact {
  id: string;
  serviceId: string;
  serviceName: string;
  /** ISO instant. */
  startsAt: string;
}

/** A free slot the application found and held for this conversation. */
export interface SlotFact {
  staffId: string;
  startsAt: string;
  holdId?: string;
}

/** Opening hours of one weekday (1 Monday .. 7 Sunday), local "HH:mm". */
export interface DayHours {
  weekday: number;
  start: string;
  end: string;
}

/** What the message says about the day and time, read by the scheduling module's parser. */
export interface WantedReading {
  spans: Array<{ from: string; to: string; exact: boolean }>;
  /** The message names a day ("в пятницу", "15.12", "завтра"). */
  hasDay: boolean;
  /** The message names a time of day ("к шести", "утром"). */
  hasTime: boolean;
}

/** A request for free slots: the flow asks, the application searches and holds, and the flow decides again. */
export interface SlotSearch {
  key: string;
  serviceId: string;
  windows: Array<{ from: string; to: string }>;
  /** How many to find; the flow offers at most three of them. */
  limit: number;
  /** Which end of the windows the offer should come from: the soonest, or the latest ("earlier than that"). */
  take: 'first' | 'last';
}

/**
 * Everything the booking flow decides on besides the dialog state and the message. The application loads the cheap
 * facts up front; `visits` and `slots` it loads only when the flow asks (a `need`).
 */
export interface ConversationFacts {
  /** ISO instant of the message. */
  now: string;
  zone: string;
  preset: BusinessPresetName;
  services: ServiceFact[];
  /** The services the message names, best first; empty when it names none of ours. */
  named: ServiceFact[];
  /** The message names some service, ours or not ("татуаж"). */
  namesAService: boolean;
  wanted: WantedReading | null;
  /** Per service id, the hours someone works it. */
  serviceHours: Record<string, DayHours[]>;
  contact: { name: string | null; phone: string | null };
  business: {
    address: string | null;
    hoursText: string | null;
    openNow: boolean;
    /** When a person is back, in words ("завтра в 9:00"); null when open or unknown. */
    backAt: string | null;
  };
  overrides: ReplyOverrides;
  /** The labels of the buttons a visit reminder carries (the notifications module owns them). */
  reminderButtons: { confirm: string; move: string; cancel: string };
  visits?: VisitFact[];
  /** Free slots found and held, by the key of the search that asked for them. */
  searches?: Record<string, SlotFact[]>;
  /** The slot the last booking attempt found taken by someone else. */
  taken?: string;
}
