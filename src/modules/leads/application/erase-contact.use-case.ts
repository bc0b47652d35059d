import { Injectable, Logger } from '@nestjs/common';
import { UnitOfWork } from '../../../shared/unit-of-work';
import { PersonalDataStore } from '../ports/personal-data-store.port';
import type { ErasureReport } from '../domain/personal-data';

export type { ErasureReport } from '../domain/personal-data';

/**
 * A client's request to erase their personal data (152-FZ): their name, phone, channel ids and profiles, the texts
 * of their conversations, lead details, the local CRM card's transcript and their raw webhook bodies. Ids, times
 * and counts stay, so the KPIs do not change. All or nothing, in one transaction; asking twice is harmless.
 * Leads already filed in an external CRM (Bitrix24, amoCRM) are the business's to erase there.
 */
@Injectable()
export class EraseContactUseCase {
  private readonly logger = new Logger(EraseContactUseCase.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: PersonalDataStore,
  ) {}

  /** Null when there is no such contact. */
  async execute(contactId: string): Promise<ErasureReport | null> {
    const report = await this.uow.run(() => this.repository.erase(contactId));
    if (report) {
      this.logger.log(
        `contact ${contactId} erased on request: ${report.identities} identities, ${report.conversations} ` +
          `conversations, ${report.messages} messages, ${report.leads} leads, ${report.inboundEvents} raw events`,
      );
    }
    return report;
  }
}
