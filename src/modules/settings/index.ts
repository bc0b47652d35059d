export { SettingsModule } from './settings.module';
export { BusinessProfile } from './application/business-profile.facade';
export { Scenarios } from './application/scenarios.facade';
export type { Profile } from './domain/business-profile';
export { describeHours, type BusinessHours, type OpeningInterval } from './domain/business-hours';
export type { ClientSlots, ReplySource, Scenario } from './domain/scenario';
export { SCENARIO_INTENTS, CLIENT_DETAILS, type ClientDetail, type ScenarioIntent } from './domain/scenario-intents';
export { TEMPLATE_VARIABLES } from './domain/reply-template';
