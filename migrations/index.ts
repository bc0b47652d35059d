import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { AcceptInboundFunction1764000000001 } from './1764000000001-AcceptInboundFunction';

/** Every migration, oldest first. A new migration is added here as well as in its own file. */
export const MIGRATIONS = [InitialSchema1764000000000, AcceptInboundFunction1764000000001];
