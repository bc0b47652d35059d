import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { AdminApi } from '../../../../http/admin-api.decorator';
import { AuditBefore } from '../../../../http/audit-context';
import { normalizePhone } from '../../../../shared/phone';
import { BusinessProfile } from '../../application/business-profile.facade';
import type { Profile } from '../../domain/business-profile';
import { ProfileDto, ProfileViewDto } from './dto/profile.dto';
import { asBadRequest } from './settings-problems';

@AdminApi('admin: settings')
@Controller('api/admin/v1/profile')
export class ProfileAdminController {
  constructor(private readonly profile: BusinessProfile) {}

  /** The profile in effect; time zone and preset come from the environment until saved. */
  @Get()
  @ApiOkResponse({ type: ProfileViewDto })
  async get(): Promise<ProfileViewDto> {
    return view(await this.profile.get());
  }

  /** Replaces the whole profile: what is left out goes back to its default. */
  @Put()
  @AuditBefore(BusinessProfile, (profile) => profile.get())
  @ApiOkResponse({ type: ProfileViewDto })
  async replace(@Body() body: ProfileDto): Promise<ProfileViewDto> {
    const saved = await asBadRequest(
      this.profile.replace({
        name: body.name,
        address: body.address ?? null,
        phone: body.phone ? normalizePhone(body.phone) : null,
        hours: body.hours ? { text: body.hours.text ?? null, weekly: body.hours.weekly ?? null } : null,
        timeZone: body.timeZone ?? null,
        preset: body.preset ?? null,
        website: body.website ?? null,
      }),
    );
    return view(saved);
  }
}

function view(profile: Profile): ProfileViewDto {
  return {
    name: profile.name,
    address: profile.address,
    phone: profile.phone,
    hours: profile.hours,
    hoursText: profile.hoursText,
    timeZone: profile.timeZone,
    preset: profile.preset,
    website: profile.website,
    updatedAt: profile.updatedAt,
  };
}
