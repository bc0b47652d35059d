import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { FindFreeSlotsUseCase, type OfferableSlot } from '../../application/find-free-slots.use-case';
import { AdminApi } from '../../../../http/admin-api.decorator';
import { SlotsQueryDto } from './dto/slots-query.dto';

@AdminApi('admin: scheduling')
@Controller('api/admin/v1/slots')
export class SlotsAdminController {
  constructor(private readonly freeSlots: FindFreeSlotsUseCase) {}

  /**
   * Free slots of a service that start in [from, to), soonest first: within working hours, outside breaks, days
   * off, bookings and clients' holds, at least BOOKING_MIN_LEAD_MINUTES from now.
   */
  @Get()
  @ApiOkResponse({ description: '{ items: [{ staffId, staffName, startsAt, endsAt }] }' })
  @ApiBadRequestResponse({ description: 'Invalid query (problem+json)' })
  @ApiNotFoundResponse({ description: 'No such service or staff member' })
  async list(@Query() query: SlotsQueryDto): Promise<{ items: OfferableSlot[] }> {
    return {
      items: await this.freeSlots.execute({
        serviceId: query.serviceId,
        staffId: query.staffId,
        from: query.from,
        to: query.to,
        limit: query.limit,
        distinctTimes: query.distinctTimes,
      }),
    };
  }
}
