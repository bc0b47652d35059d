import { Body, Controller, Get, NotFoundException, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { AdminApi } from '../../../../http/admin-api.decorator';
import { adminCallerOf } from '../../../../http/admin-caller';
import type { Intent } from '../../domain/triage-result';
import { ModelIntentClassifier, type RetrainResult } from '../model/model-intent.classifier';
import { TriageLearningRepository, type TriageExample } from '../persistence/triage-learning.repository';
import { PageQueryDto } from '../../../../http/page-query.dto';
import { TriageCorrectionDto, TriagePhraseDto } from './dto/triage-learning.dto';

const PERSON_INTENTS: ReadonlySet<Intent> = new Set(['consultation', 'complaint', 'human']);

/**
 * Teaching the offline triage the business's own clients' words (the weekly tuning of the product documents): the
 * messages it was unsure of, corrections of what a message meant, phrases added by hand, and the retraining that
 * follows each of them. A retrained model replaces the running one only if it passes the held-out gate.
 */
@AdminApi('admin: triage')
@Controller('api/admin/v1/triage')
export class TriageLearningAdminController {
  constructor(
    private readonly classifier: ModelIntentClassifier,
    private readonly store: TriageLearningRepository,
  ) {}

  /** The model in use: what it learned and how it does on the held-out part. */
  @Get('model')
  @ApiOkResponse({ description: '{ id, trainedOn, examplesThrough, heldout }' })
  async model() {
    const { id, trainedOn, examplesThrough, heldout } = await this.classifier.current();
    return { id, trainedOn, examplesThrough, heldout };
  }

  /** Client messages the model was unsure of and nobody has corrected yet, newest first. */
  @Get('review')
  async review(@Query() query: PageQueryDto) {
    const { items, total } = await this.store.lowConfidence(query.pageSize, (query.page - 1) * query.pageSize);
    return { items, page: query.page, pageSize: query.pageSize, total };
  }

  /** Corrections and added phrases, newest first. */
  @Get('examples')
  async examples(@Query() query: PageQueryDto) {
    const { items, total } = await this.store.listExamples(query.pageSize, (query.page - 1) * query.pageSize);
    return { items, page: query.page, pageSize: query.pageSize, total };
  }

  /** Says what a client message really meant; it becomes a training example and the model retrains. */
  @Post('corrections')
  @ApiCreatedResponse({ description: '{ example, model: { replaced, candidate, current, trainedOn } }' })
  @ApiNotFoundResponse({ description: 'No such client message' })
  async correct(
    @Body() body: TriageCorrectionDto,
    @Req() request: object,
  ): Promise<{ example: TriageExample; model: RetrainResult }> {
    const example = await this.store.correct(body.messageId, labelOf(body), callerName(request));
    if (!example) throw new NotFoundException(`client message ${body.messageId} not found`);
    return { example, model: await this.classifier.retrain() };
  }

  /** Adds a phrase the way this business's clients say it; the model retrains. */
  @Post('phrases')
  @ApiCreatedResponse({ description: '{ example, model: { replaced, candidate, current, trainedOn } }' })
  async addPhrase(
    @Body() body: TriagePhraseDto,
    @Req() request: object,
  ): Promise<{ example: TriageExample; model: RetrainResult }> {
    const example = await this.store.addPhrase(body.text, labelOf(body), callerName(request));
    return { example, model: await this.classifier.retrain() };
  }

  /** Retrains on the corpus and every example now. */
  @Post('retrain')
  retrain(): Promise<RetrainResult> {
    return this.classifier.retrain();
  }
}

function labelOf(body: { intents: Intent[]; escalate?: boolean }): { intents: Intent[]; escalate: boolean } {
  return { intents: body.intents, escalate: body.escalate ?? body.intents.some((i) => PERSON_INTENTS.has(i)) };
}

function callerName(request: object): string | null {
  return adminCallerOf(request)?.name ?? null;
}
