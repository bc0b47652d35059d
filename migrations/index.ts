import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { AcceptInboundFunction1764000000001 } from './1764000000001-AcceptInboundFunction';
import { ChannelEvents1764000000002 } from './1764000000002-ChannelEvents';
import { Scheduling1764000000003 } from './1764000000003-Scheduling';
import { Reminders1764000000004 } from './1764000000004-Reminders';
import { Dialogs1764000000005 } from './1764000000005-Dialogs';
import { AuditLog1764000000006 } from './1764000000006-AuditLog';
import { Retention1764000000007 } from './1764000000007-Retention';
import { Settings1764000000008 } from './1764000000008-Settings';
import { TriageLearning1764000000009 } from './1764000000009-TriageLearning';
import { LlmSpend1764000000010 } from './1764000000010-LlmSpend';
import { MergeContacts1764000000011 } from './1764000000011-MergeContacts';
import { ReplyQueuePerChannel1764000000012 } from './1764000000012-ReplyQueuePerChannel';
import { CrmSyncOutsideTransactions1764000000013 } from './1764000000013-CrmSyncOutsideTransactions';

/** Every migration, oldest first. A new migration is added here as well as in its own file. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  AcceptInboundFunction1764000000001,
  ChannelEvents1764000000002,
  Scheduling1764000000003,
  Reminders1764000000004,
  Dialogs1764000000005,
  AuditLog1764000000006,
  Retention1764000000007,
  Settings1764000000008,
  TriageLearning1764000000009,
  LlmSpend1764000000010,
  MergeContacts1764000000011,
  ReplyQueuePerChannel1764000000012,
  CrmSyncOutsideTransactions1764000000013,
];
