import { Controller, HttpCode, HttpStatus, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { EraseContactUseCase, type ErasureReport } from '../../../leads';
import { AdminApi } from '../../../../http/admin-api.decorator';

@AdminApi()
@Controller('api/admin/v1/contacts')
export class ContactsAdminController {
  constructor(private readonly erasure: EraseContactUseCase) {}

  /**
   * Erases the contact's personal data on their request (152-FZ): name, phone, channel ids and profiles, message
   * texts, lead details, the local CRM card's transcript and raw webhook bodies. Ids, times and counts stay, so
   * the KPIs do not change. Calling it again answers the same. Leads in an external CRM are erased there.
   */
  @Post(':id/erase')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ description: 'Erased: counts of what was cleaned, no personal data' })
  @ApiNotFoundResponse({ description: 'No such contact (problem+json)' })
  async erase(@Param('id', new ParseUUIDPipe()) id: string): Promise<ErasureReport> {
    const report = await this.erasure.execute(id);
    if (!report) throw new NotFoundException(`Contact ${id} not found.`);
    return report;
  }
}
