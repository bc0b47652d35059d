import { Body, Controller, Get, NotFoundException, Param, Put } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiParam } from '@nestjs/swagger';
import { AdminApi } from '../../../../http/admin-api.decorator';
import { AuditBefore } from '../../../../http/audit-context';
import { Scenarios } from '../../application/scenarios.facade';
import type { Scenario } from '../../domain/scenario';
import { isScenarioIntent, SCENARIO_INTENTS, type ScenarioIntent } from '../../domain/scenario-intents';
import { ScenarioDto, ScenarioListDto, ScenarioViewDto } from './dto/scenario.dto';
import { asBadRequest } from './settings-problems';

@AdminApi('admin: settings')
@Controller('api/admin/v1/scenarios')
export class ScenariosAdminController {
  constructor(private readonly scenarios: Scenarios) {}

  /** Every intent's scenario in effect: the agency's settings over the preset's. */
  @Get()
  @ApiOkResponse({ type: ScenarioListDto })
  async list(): Promise<ScenarioListDto> {
    return { items: (await this.scenarios.list()).map(view) };
  }

  @Get(':intent')
  @ApiParam({ name: 'intent', enum: SCENARIO_INTENTS })
  @ApiOkResponse({ type: ScenarioViewDto })
  @ApiNotFoundResponse({ description: 'No scenario for this intent (problem+json)' })
  async get(@Param('intent') intent: string): Promise<ScenarioViewDto> {
    return view((await this.scenarios.forIntent(known(intent)))!);
  }

  /** Replaces the intent's scenario; `replyTemplate: null` goes back to the preset's reply. */
  @Put(':intent')
  @AuditBefore(Scenarios, (scenarios, { params }) => scenarios.forIntent(params.intent))
  @ApiParam({ name: 'intent', enum: SCENARIO_INTENTS })
  @ApiOkResponse({ type: ScenarioViewDto })
  @ApiNotFoundResponse({ description: 'No scenario for this intent (problem+json)' })
  async replace(@Param('intent') intent: string, @Body() body: ScenarioDto): Promise<ScenarioViewDto> {
    const scenario = await asBadRequest(
      this.scenarios.replace(known(intent), {
        enabled: body.enabled,
        replyTemplate: body.replyTemplate ?? null,
        requiredDetails: body.requiredDetails,
        escalate: body.escalate,
      }),
    );
    return view(scenario);
  }
}

function known(intent: string): ScenarioIntent {
  if (isScenarioIntent(intent)) return intent;
  throw new NotFoundException(
    `No scenario for intent "${intent.slice(0, 40)}"; intents: ${SCENARIO_INTENTS.join(', ')}.`,
  );
}

function view(scenario: Scenario): ScenarioViewDto {
  return {
    intent: scenario.intent,
    enabled: scenario.enabled,
    replyTemplate: scenario.replyTemplate,
    source: scenario.source,
    presetTemplate: scenario.presetTemplate,
    requiredDetails: scenario.requiredDetails,
    escalate: scenario.escalate,
    updatedAt: scenario.updatedAt,
  };
}
